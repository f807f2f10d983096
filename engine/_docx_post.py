"""After rendering: numbering, block comments, highlighted blanks, stable bytes.

Works on the XML trees `_docx_template.PreparedTemplate.render` produced (python-docx element classes,
no python-docx document around them):
- numbers headings from the markers the templates put in them: `⟦#⟧` (article: 1, 2…), `⟦#.#⟧`
  (paragraph of the current article: 1.1, 1.2…), `⟦A.#⟧` (annex section: A.1, A.2…). The numbers are
  plain text, so they survive being pasted into another Word file (no automatic numbering);
- removes the `⟦block⟧` markers of block headings and anchors there a Word comment giving the rule and
  legal basis behind the block, spanning the heading and the paragraphs of the block;
- highlights every `[à compléter : …]` in yellow;
- fixes core properties and writes a zip whose bytes only depend on the content (fixed timestamps), so
  that the same input gives the same file. Parts that rendering does not change are copied compressed.
"""

from __future__ import annotations

import copy
import datetime as dt
import re

from docx.comments import Comments
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.coreprops import CoreProperties
from docx.opc.oxml import serialize_part_xml
from docx.oxml.ns import qn
from docx.text.run import Run

from ._docx_template import RENDERED_PROPERTIES, Rendered
from ._docx_zip import deflate, write_zip
from .models import Decision

MARKER = re.compile(r"⟦([a-z0-9_]+)⟧")
NUMBERING = re.compile(r"⟦(#|#\.#|A\.#)⟧")
BLANK = re.compile(r"\[à compléter[^\]]*\]")
AUTHOR, INITIALS = "clausier", "CL"

_W_P, _W_R, _W_T = qn("w:p"), qn("w:r"), qn("w:t")


def _raw_text(p) -> str:
    """The text of a `w:p` element's `w:t` runs: a cheap pre-check before reading run text the way
    python-docx does (an XPath query per run)."""
    return "".join(t.text or "" for t in p.iter(_W_T))


def _runs(p) -> list:
    """A paragraph's runs, as python-docx's `Paragraph.runs` (direct `w:r` children)."""
    return p.findall(_W_R)


def _split_run(r, start: int, end: int):
    """Isolate the run's text[start:end] in its own run with the same formatting and return it."""
    text = r.text

    def clone(t):
        new = copy.deepcopy(r)
        for child in list(new):
            if child.tag != qn("w:rPr"):
                new.remove(child)
        new.text = t
        return new

    if text[end:]:
        r.addnext(clone(text[end:]))
    mid = clone(text[start:end])
    r.addnext(mid)
    if text[:start]:
        r.text = text[:start]
    else:
        r.getparent().remove(r)
    return mid


def _highlight_blanks(p) -> int:
    count = 0
    changed = True
    while changed:
        changed = False
        for r in _runs(p):
            run = Run(r, None)
            if run.font.highlight_color is not None:
                continue
            match = BLANK.search(r.text or "")
            if match:
                Run(_split_run(r, match.start(), match.end()), None).font.highlight_color = WD_COLOR_INDEX.YELLOW
                count += 1
                changed = True
                break
    return count


def _number_headings(rendered: Rendered) -> None:
    """Replace the numbering markers of body paragraphs by explicit numbers, in document order."""
    article = paragraph_no = annex_no = 0
    for p in rendered.body.iterchildren(_W_P):
        if "⟦" not in _raw_text(p) or not _is_heading(rendered, p):
            continue
        for r in _runs(p):
            text = r.text or ""
            if "⟦" not in text:
                continue

            def number(match):
                nonlocal article, paragraph_no, annex_no
                kind = match.group(1)
                if kind == "#":
                    article, paragraph_no = article + 1, 0
                    return str(article)
                if kind == "#.#":
                    paragraph_no += 1
                    return f"{max(article, 1)}.{paragraph_no}"
                annex_no += 1
                return f"A.{annex_no}"

            r.text = NUMBERING.sub(number, text)


def _is_heading(rendered: Rendered, p) -> bool:
    """Markers are read in body headings only: elsewhere a `⟦…⟧` is user text, shown as written."""
    return rendered.prepared.is_heading(p.style)


def _block_ranges(rendered: Rendered):
    """(block, first paragraph, last paragraph) for each block heading of the body: the heading and its
    paragraphs."""
    body = list(rendered.body.iterchildren(_W_P))
    for i, p in enumerate(body):
        found = MARKER.search(p.text) if "⟦" in _raw_text(p) and _is_heading(rendered, p) else None
        if not found:
            continue
        last = p
        for following in body[i + 1:]:
            if _is_heading(rendered, following):
                break
            if _raw_text(following) or any(r.text for r in _runs(following)):
                last = following
        yield found.group(1), p, last


def finish(rendered: Rendered, decision: Decision, comments: dict[str, str]) -> bytes:
    """Post-process a rendered document and return its stable bytes.

    Args:
        rendered: the template's parts rendered for `decision`.
        decision: the decision rendered (dates and version for the properties).
        comments: block name -> comment text; empty to add no comment.
    """
    stamp = dt.datetime.combine(decision.launch_date, dt.time(0, 0), tzinfo=dt.timezone.utc)
    _number_headings(rendered)
    ranges = list(_block_ranges(rendered))
    for p in rendered.body.iter(_W_P):
        if "⟦" in _raw_text(p) and _is_heading(rendered, p):
            for r in _runs(p):
                if "⟦" in (r.text or ""):
                    r.text = MARKER.sub("", r.text)
    notes = None
    for block, first, last in ranges:
        start = [r for r in _runs(first) if r.text]
        end = [r for r in _runs(last) if r.text]
        if block in comments and start and end:
            if notes is None:
                notes = Comments(rendered.prepared.new_comments(), None)
            comment = notes.add_comment(text=comments[block], author=AUTHOR, initials=INITIALS)
            comment._comment_elm.date = stamp
            Run(start[0], None).mark_comment_range(Run(end[-1], None), comment.comment_id)
    for root in (rendered.body, *rendered.stories.values()):
        for p in root.iter(_W_P):
            if "[à compléter" in _raw_text(p):
                _highlight_blanks(p)
    _set_properties(rendered, decision, stamp)
    return _write(rendered, notes._comments_elm if notes is not None else None)


def _set_properties(rendered: Rendered, decision: Decision, stamp: dt.datetime) -> None:
    """Core properties: docxtpl's rendered text fields, then clausier's (same order of writes as ever)."""
    props = CoreProperties(rendered.properties)
    for name in RENDERED_PROPERTIES:
        setattr(props, name, rendered.property_values[name])
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.created = stamp.replace(tzinfo=None)
    props.modified = stamp.replace(tzinfo=None)
    props.last_printed = stamp.replace(tzinfo=None)
    props.revision = 1
    props.subject = "Clause sociale d'insertion"
    props.comments = f"Généré par clausier, règles {decision.ruleset_version}, droit au {decision.launch_date.isoformat()}"
    props.language = "fr-FR"


def _write(rendered: Rendered, comments) -> bytes:
    """The .docx: rendered parts serialized as python-docx would, the others copied compressed."""
    prepared = rendered.prepared
    fresh = {prepared.document_member: serialize_part_xml(rendered.document),
             prepared.properties_member: serialize_part_xml(rendered.properties),
             **{name: serialize_part_xml(root) for name, root in rendered.stories.items()},
             **rendered.footnotes}
    if comments is not None:
        fresh[prepared.comments_member] = serialize_part_xml(comments)
    return write_zip(deflate(m.name, fresh[m.name]) if m.name in fresh else m
                     for m in prepared.members(comments is not None))
