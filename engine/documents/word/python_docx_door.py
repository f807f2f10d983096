"""The one door to python-docx's internals: the parts and elements clausier reuses beyond the documented API
(core properties part, style elements, comments part and comment elements). python-docx is pinned to 1.2.x
(pyproject.toml) and `tests/test_docx_template.py` compares what is built with them with python-docx's own
`Document.add_comment` and `save`. No other module touches them.
"""

from __future__ import annotations

from docx.comments import Comment
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.parts.comments import CommentsPart

PINNED = "1.2"  # the minor version these attributes were read in and are tested with


def core_properties_member(doc) -> str:
    """The zip member name of the core properties part."""
    return doc.part.package._core_properties_part.partname.membername


def core_properties_element(props):
    """The `cp:coreProperties` element behind `doc.core_properties`."""
    return props._element


def style_elements(part):
    """Every `w:style` element of the document's styles part."""
    return part.styles._element.iterchildren(qn("w:style"))


def relate_comments_part(doc) -> None:
    """Create and relate the comments part, as `Document.add_comment` does on first use."""
    doc.part._comments_part  # noqa: B018 - the property creates the part


def empty_comments_element():
    """A new, empty `w:comments` element, as python-docx writes a new comments part."""
    return parse_xml(CommentsPart._default_comments_xml())


def comment_element(comment: Comment):
    """The `w:comment` element behind a `Comment`."""
    return comment._comment_elm
