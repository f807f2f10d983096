"""A Word template prepared once per process, then rendered many times without re-opening it.

docxtpl renders by opening the template with python-docx, patching and compiling its XML with Jinja,
then saving every part again. All of that except the Jinja rendering depends only on the template, so it
is done once here, with docxtpl's own functions (`patch_xml`, `resolve_listing`, `fix_tables`,
`fix_docpr_ids`): a template means exactly what it means to docxtpl. A prepared template holds
- the patched, compiled Jinja source of the body, of each header and footer, and of footnotes;
- the document element around the body, and which paragraph styles are headings;
- the core properties and the Jinja source of their text fields;
- the parts rendering never changes, compressed once, in the order python-docx writes them.

`render` gives the rendered XML trees (`Rendered`); `finish.finish` edits them and writes the file.
"""

from __future__ import annotations

import copy
import io
import re
import threading
from dataclasses import dataclass

import jinja2
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import nsmap, qn
from docx.oxml.parser import element_class_lookup, parse_xml
from lxml import etree
from markupsafe import Markup

from engine.documents.word import docxtpl_door, python_docx_door
from engine.documents.word.zip_members import Member, members_of

# docxtpl turns `{_{`, `}_}`, `{_%`, `%_}` into `{{`, `}}`, `{%`, `%}` *after* rendering (its way to
# write literal tags in a template), which would alter user text containing them. Every rendered value
# carries a placeholder for that `_` (`keep_docxtpl_escapes`, the Jinja `finalize`), put back once the
# part is rendered: text comes out as written. The placeholder is a lone surrogate: input validation
# refuses them, template XML cannot hold one.
_UNDERSCORE = "\udcdf"
_DOCXTPL_ESCAPE = re.compile(r"(?<=[{}%])_(?=[{}%])")

# the core properties docxtpl renders as Jinja templates (DocxTemplate.render_properties)
RENDERED_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_LISTING_CHARS = ("\t", "\a", "\n", "\f")


def keep_docxtpl_escapes(value):
    """Jinja `finalize`: protect the `_` of `{_{`-like sequences in a rendered value."""
    if isinstance(value, str) and "_" in value:
        protected = _DOCXTPL_ESCAPE.sub(_UNDERSCORE, str(value))
        return Markup(protected) if isinstance(value, Markup) else protected
    return value


def _body_parser() -> etree.XMLParser:
    """docxtpl's parser for a rendered body (`fix_tables`: recover), producing python-docx's element classes."""
    parser = etree.XMLParser(recover=True)
    parser.set_element_class_lookup(element_class_lookup)
    return parser


_PARSERS = threading.local()


def _parse_body(xml: str):
    parser = getattr(_PARSERS, "body", None)
    if parser is None:  # lxml parsers are not shared between threads
        parser = _PARSERS.body = _body_parser()
    return etree.fromstring(xml, parser)


@dataclass
class _Part:
    """One XML part docxtpl renders: its name in the zip and its compiled Jinja source."""

    member: str
    source: str
    template: jinja2.Template


@dataclass
class Rendered:
    """The rendered parts of one document, as XML trees of python-docx element classes."""

    prepared: "PreparedTemplate"
    document: object                    # w:document, body included
    stories: dict[str, object]          # header and footer member name -> root element
    properties: object                  # cp:coreProperties, as in the template
    property_values: dict[str, str]     # the text properties docxtpl renders, rendered
    footnotes: dict[str, bytes]         # footnotes member name -> rendered XML (written as rendered)

    @property
    def body(self):
        return self.document.body


class PreparedTemplate:
    """Everything about one template that does not depend on the document rendered from it."""

    def __init__(self, data: bytes, env: jinja2.Environment):
        self._data = data
        self._lock = threading.Lock()
        self._members: dict[bool, list[Member]] = {}
        tpl = docxtpl_door.open_template(data)
        doc = tpl.get_docx()
        self._doc = doc
        part = doc.part
        self.document_member = part.partname.membername
        self._body = self._compile(env, tpl, tpl.get_xml(), self.document_member)
        shell = copy.deepcopy(doc.element)
        for child in list(shell.body):
            shell.body.remove(child)
        self._shell = shell
        self._stories = [
            self._compile(env, tpl, tpl.get_part_xml(rel.target_part), rel.target_part.partname.membername)
            for rel in part.rels.values()
            if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external and rel.target_part.blob
        ]
        self._footnotes = [
            self._compile(env, tpl, p.blob.decode("utf-8") if isinstance(p.blob, bytes) else p.blob,
                          p.partname.membername)
            for p in doc.part.package.iter_parts() if p.content_type == CT.WML_FOOTNOTES
        ]
        props = doc.core_properties
        self._properties = copy.deepcopy(python_docx_door.core_properties_element(props))
        self._property_templates = {name: env.from_string(getattr(props, name)) for name in RENDERED_PROPERTIES}
        self.properties_member = python_docx_door.core_properties_member(doc)
        default = part.get_style(None, WD_STYLE_TYPE.PARAGRAPH)
        self._heading_default = _is_heading_name(default.name if default is not None else "")
        self._headings = {}
        for style in python_docx_door.style_elements(part):
            found = part.get_style(style.styleId, WD_STYLE_TYPE.PARAGRAPH)
            self._headings[style.styleId] = _is_heading_name(found.name if found is not None else "")
        self.comments_member = "word/comments.xml"  # python-docx's CommentsPart.default

    @staticmethod
    def _compile(env: jinja2.Environment, tpl: docxtpl_door.DocxTemplate, xml: str, member: str) -> _Part:
        source = re.sub(r"<w:p([ >])", r"\n<w:p\1", docxtpl_door.patch_xml(tpl, xml))
        try:
            return _Part(member, source, env.from_string(source))
        except jinja2.TemplateError as exc:
            _attach_context(exc, source)
            raise

    # --- per document --------------------------------------------------------------------------

    def render(self, context: dict) -> Rendered:
        """The template's parts rendered with `context`, as docxtpl's `render` would leave them."""
        body = _fix_tables(_parse_body(self._render_xml(self._body, context)))
        for number, drawing in enumerate(_DOC_PR(body), 1001):  # docxtpl's fix_docpr_ids: unique ids
            drawing.attrib["id"] = str(number)
        document = copy.deepcopy(self._shell)
        document.replace(document.body, body)
        stories = {p.member: parse_xml(self._render_xml(p, context).encode("utf-8")) for p in self._stories}
        footnotes = {p.member: self._render_xml(p, context).encode("utf-8") for p in self._footnotes}
        values = {name: t.render(context).replace(_UNDERSCORE, "_") for name, t in self._property_templates.items()}
        return Rendered(self, document, stories, copy.deepcopy(self._properties), values, footnotes)

    @staticmethod
    def _render_xml(part: _Part, context: dict) -> str:
        """docxtpl's `render_xml_part`, from the compiled source."""
        try:
            xml = part.template.render(context)
        except jinja2.TemplateError as exc:
            _attach_context(exc, part.source)
            raise
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        if any(c in xml for c in _LISTING_CHARS):  # resolve_listing only rewrites these characters
            xml = docxtpl_door.resolve_listing(xml)
        return xml.replace(_UNDERSCORE, "_")

    def is_heading(self, style_id: str | None) -> bool:
        """Whether a paragraph of that style is a heading (python-docx's style resolution, done once)."""
        return self._headings.get(style_id, self._heading_default) if style_id else self._heading_default

    def members(self, with_comments: bool) -> list[Member]:
        """The zip members python-docx would write, in its order; rendered ones are replaced by name."""
        found = self._members.get(with_comments)
        if found is None:
            with self._lock:
                found = self._members.get(with_comments)
                if found is None:
                    doc = self._doc if self._doc is not None else Document(io.BytesIO(self._data))
                    self._doc = None  # the document opened to prepare serves the first variant asked for
                    doc.core_properties  # noqa: B018 - creates the part when the template has none
                    if with_comments:
                        python_docx_door.relate_comments_part(doc)
                    buf = io.BytesIO()
                    doc.save(buf)
                    found = self._members[with_comments] = members_of(buf.getvalue())
        return found


def _fix_tables(body):
    """docxtpl's `fix_tables` (grid columns matching the cells a loop produced) on a parsed body.

    Most bodies need no fix: they are returned as they are. Otherwise docxtpl's own function runs on the
    serialized body and its result is parsed again with python-docx's element classes.
    """
    if not any(_table_needs_fix(t) for t in body.iter(_W_TBL)):
        return body
    fixed = docxtpl_door.fix_tables(etree.tostring(body, encoding="unicode"))
    return _parse_body(etree.tostring(fixed, encoding="unicode"))


_DOC_PR = etree.XPath("//wp:docPr", namespaces=nsmap)
_W_TBL, _W_TR, _W_TC, _W_GRID, _W_COL = (qn(t) for t in ("w:tbl", "w:tr", "w:tc", "w:tblGrid", "w:gridCol"))
_W_TCPR, _W_SPAN, _W_VAL = qn("w:tcPr"), qn("w:gridSpan"), qn("w:val")


def _table_needs_fix(table) -> bool:
    """Whether docxtpl's `fix_tables` would add or remove grid columns of `table` (same counting)."""
    grid = table.find(_W_GRID)
    if grid is None:
        return True  # docxtpl decides (and fails) as it always did
    columns = len(grid.findall(_W_COL))
    rows = [len(row.findall(_W_TC)) for row in table.iter(_W_TR)]
    if any(n > columns for n in rows):
        return True
    if next(table.iter(_W_SPAN), None) is None:  # no merged cell: a row is as wide as its cell count
        return columns > max(rows, default=0)
    widest = 0
    for row in table.iter(_W_TR):
        width = 0
        for cell in row.findall(_W_TC):
            span = cell.find(_W_TCPR)
            span = None if span is None else span.find(_W_SPAN)
            try:
                width += 1 if span is None else int(span.get(_W_VAL))
            except (TypeError, ValueError):
                return True
        widest = max(widest, width)
    return columns > widest


def _is_heading_name(name: str | None) -> bool:
    return (name or "").startswith(("Heading", "Titre", "Title"))


def _attach_context(exc: jinja2.TemplateError, source: str) -> None:
    """The lines of template text around a Jinja error, as docxtpl reports them (`docx_context`)."""
    lineno = getattr(exc, "lineno", None)
    if lineno is not None and not hasattr(exc, "docx_context"):
        first = max(lineno - 4, 0)
        exc.docx_context = [re.sub(r"<[^>]+>", "", x) for x in source.splitlines()[first:first + 7]]
