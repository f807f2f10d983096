"""After rendering: numbering, block comments, highlighted blanks, stable bytes.

Works on the XML trees `prepared.PreparedTemplate.render` produced (python-docx element classes,
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
from docx.oxml.parser import OxmlElement
from docx.text.run import Run

from engine.documents.word import python_docx_door
from engine.documents.word.prepared import RENDERED_PROPERTIES, Rendered
from engine.documents.word.zip_members import deflate, write_zip
from engine.reasoning.decision import Decision

MARKER = re.compile(r"⟦([a-z0-9_]+)⟧")
NUMBERING = re.compile(r"⟦(#|#\.#|A\.#)⟧")
BLANK = re.compile(r"\[à compléter[^\]]*\]")
AUTHOR, INITIALS = "clausier", "CL"

_W_P, _W_R, _W_T, _W_RPR, _W_PPR, _W_PSTYLE, _W_VAL, _W_HIGHLIGHT = (
    qn(t) for t in ("w:p", "w:r", "w:t", "w:rPr", "w:pPr", "w:pStyle", "w:val", "w:highlight"))
_RUN_TEXT = frozenset(qn(t) for t in ("w:br", "w:cr", "w:noBreakHyphen", "w:ptab", "w:t", "w:tab"))
_LINE_CHARS = ("\t", "\r", "\n")


def _raw_text(p) -> str:
    """The text of a `w:p` element's `w:t` elements: a cheap pre-check before reading runs."""
    return "".join(t.text or "" for t in p.iter(_W_T))


def _runs(p) -> list:
    """A paragraph's runs, as python-docx's `Paragraph.runs` (direct `w:r` children)."""
    return p.findall(_W_R)


def _text(r) -> str:
    """A run's text exactly as python-docx's `CT_R.text` reads it, without its XPath query per call."""
    return "".join(str(e) for e in r if e.tag in _RUN_TEXT)


def _set_text(r, text: str) -> None:
    """python-docx's `CT_R.text = text`; plain text (the common case) is written without its
    character-by-character appender."""
    if any(c in text for c in _LINE_CHARS):
        r.text = text
        return
    for child in list(r):
        if isinstance(child.tag, str) and child.tag != _W_RPR:
            r.remove(child)
    if text:
        t = OxmlElement("w:t")
        t.text = text
        if len(text.strip()) < len(text):
            t.set(qn("xml:space"), "preserve")
        r.append(t)


def _highlighted(r) -> bool:
    """python-docx's `run.font.highlight_color is not None`."""
    rpr = r.find(_W_RPR)
    return rpr is not None and rpr.find(_W_HIGHLIGHT) is not None


def _split_run(r, start: int, end: int):
    """Isolate the run's text[start:end] in its own run with the same formatting and return it."""
    text = _text(r)

    def clone(t):
        new = copy.deepcopy(r)
        for child in list(new):
            if child.tag != _W_RPR:
                new.remove(child)
        _set_text(new, t)
        return new

    if text[end:]:
        r.addnext(clone(text[end:]))
    mid = clone(text[start:end])
    r.addnext(mid)
    if text[:start]:
        _set_text(r, text[:start])
    else:
        r.getparent().remove(r)
    return mid


def _highlight_blanks(p) -> None:
    """Put each `[à compléter : …]` of the paragraph's runs in a yellow run of its own."""
    changed = True
    while changed:
        changed = False
        for r in _runs(p):
            if _highlighted(r):
                continue
            match = BLANK.search(_text(r))
            if match:
                Run(_split_run(r, match.start(), match.end()), None).font.highlight_color = WD_COLOR_INDEX.YELLOW
                changed = True
                break


class _Body:
    """The rendered body's paragraphs, read once: which are headings, which hold markers or blanks.

    Post-processing only removes `⟦…⟧` markers and never writes one, so the paragraphs found holding one
    here are the only ones that can hold one later.
    """

    def __init__(self, rendered: Rendered):
        self.rendered = rendered
        self.top = list(rendered.body.iterchildren(_W_P))
        self.has_text: dict = {}
        self.marked, self.blanks = [], []
        for p in rendered.body.iter(_W_P):
            raw = _raw_text(p)
            self.has_text[p] = bool(raw)
            if "⟦" in raw and self.is_heading(p):
                self.marked.append(p)
            if "[à compléter" in raw:
                self.blanks.append(p)

    def is_heading(self, p) -> bool:
        """Markers are read in body headings only: elsewhere a `⟦…⟧` is user text, shown as written."""
        ppr = p.find(_W_PPR)
        style = None if ppr is None else ppr.find(_W_PSTYLE)
        return self.rendered.prepared.is_heading(None if style is None else style.get(_W_VAL))


def _number_headings(body: _Body) -> None:
    """Replace the numbering markers of top-level headings by explicit numbers, in document order."""
    article = paragraph_no = annex_no = 0
    marked = set(body.marked)
    for p in body.top:
        if p not in marked:
            continue
        for r in _runs(p):
            text = _text(r)
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

            _set_text(r, NUMBERING.sub(number, text))


def _block_ranges(body: _Body):
    """(block, first paragraph, last paragraph) for each block heading of the body: the heading and its
    paragraphs."""
    marked = set(body.marked)
    for i, p in enumerate(body.top):
        found = MARKER.search(p.text) if p in marked and "⟦" in _raw_text(p) else None
        if not found:
            continue
        last = p
        for following in body.top[i + 1:]:
            if body.is_heading(following):
                break
            if body.has_text[following] or any(_text(r) for r in _runs(following)):
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
    body = _Body(rendered)
    _number_headings(body)
    ranges = list(_block_ranges(body))
    for p in body.marked:
        for r in _runs(p):
            text = _text(r)
            if "⟦" in text:
                _set_text(r, MARKER.sub("", text))
    notes = None
    for block, first, last in ranges:
        start = [r for r in _runs(first) if _text(r)]
        end = [r for r in _runs(last) if _text(r)]
        if block in comments and start and end:
            if notes is None:
                notes = copy.deepcopy(_comment_parts()[0])
            _add_comment(notes, start[0], end[-1], comments[block], stamp)
    for p in body.blanks:
        _highlight_blanks(p)
    for root in rendered.stories.values():
        for p in root.iter(_W_P):
            if "[à compléter" in _raw_text(p):
                _highlight_blanks(p)
    _set_properties(rendered, decision, stamp)
    return _write(rendered, notes)


_COMMENT_PARTS: list = []


def _comment_parts():
    """python-docx's elements for comments, made once: an empty `w:comments` part, a `w:comment` (a
    paragraph with the annotation mark and a text run), the range start, the range end and the
    reference run."""
    if not _COMMENT_PARTS:
        empty = python_docx_door.empty_comments_element()
        comment = Comments(copy.deepcopy(empty), None).add_comment(text="x", author=AUTHOR, initials=INITIALS)
        r = OxmlElement("w:p").add_r()
        r.insert_comment_range_start_above(0)
        r.insert_comment_range_end_and_reference_below(0)
        start, _, end, reference = list(r.getparent())
        _COMMENT_PARTS[:] = [empty, python_docx_door.comment_element(comment), start, end, reference]
    return _COMMENT_PARTS


def _add_comment(notes, first, last, text: str, stamp: dt.datetime) -> None:
    """What python-docx's `Document.add_comment([first, last], text, author, initials)` adds, dated `stamp`."""
    if "\n" in text or not text:  # one paragraph per line, or no text run: python-docx's own way
        comment = Comments(notes, None).add_comment(text=text, author=AUTHOR, initials=INITIALS)
        python_docx_door.comment_element(comment).date = stamp
        Run(first, None).mark_comment_range(Run(last, None), comment.comment_id)
        return
    _, proto, start, end, reference = _comment_parts()
    number = str(len(notes))  # python-docx numbers comments 0, 1, 2… (max + 1)
    comment = copy.deepcopy(proto)
    comment.set(_W_ID, number)
    comment.date = stamp
    _set_text(comment.findall(f"{_W_P}/{_W_R}")[-1], text)
    notes.append(comment)
    for model, place in ((start, first.addprevious), (reference, last.addnext), (end, last.addnext)):
        element = copy.deepcopy(model)
        for node in element.iter(_W_START, _W_END, _W_REFERENCE):
            node.set(_W_ID, number)
        place(element)


_W_ID, _W_START, _W_END, _W_REFERENCE = (
    qn(t) for t in ("w:id", "w:commentRangeStart", "w:commentRangeEnd", "w:commentReference"))


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
