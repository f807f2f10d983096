"""The one door to docxtpl's internals: the methods `render` calls on the way, used here one by one so that a
template is prepared once and rendered many times (TECH-NOTES §2.3). They are not documented API, so docxtpl is
pinned (pyproject.toml) and `tests/test_docx_template.py` compares the result with docxtpl's public `render`.
No other module calls them.
"""

from __future__ import annotations

import io

from docxtpl import DocxTemplate

PINNED = "0.20.2"  # the version these calls were read in and are tested with (pyproject.toml pins it too)


def open_template(data: bytes) -> DocxTemplate:
    return DocxTemplate(io.BytesIO(data))


def patch_xml(tpl: DocxTemplate, xml: str) -> str:
    """docxtpl's clean-up of Jinja tags split across Word runs, `{%p %}`/`{%tr %}` tags and escapes."""
    return tpl.patch_xml(xml)


def resolve_listing(xml: str) -> str:
    """docxtpl's rewriting of tabs, line and page breaks in rendered text (`\\t`, `\\n`, `\\a`, `\\f`)."""
    return DocxTemplate.resolve_listing(None, xml)


def fix_tables(xml: str):
    """docxtpl's grid fix for tables whose column count a `{%tc %}` loop changed (an lxml element)."""
    return DocxTemplate.fix_tables(None, xml)


def jinja_source(data: bytes) -> str:
    """The Jinja text docxtpl renders from a template: body, headers and footers, after its own tag patching."""
    tpl = open_template(data)
    tpl.init_docx()
    xml = tpl.patch_xml(tpl.get_xml())
    for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
        for _, part in tpl.get_headers_footers(uri):
            xml += tpl.patch_xml(tpl.get_part_xml(part))
    return xml
