"""After rendering: numbering, block comments, highlighted blanks, stable bytes.

Works on the python-docx Document that docxtpl has just rendered (no re-parse):
- numbers headings from the markers the templates put in them: `⟦#⟧` (article: 1, 2…), `⟦#.#⟧`
  (paragraph of the current article: 1.1, 1.2…), `⟦A.#⟧` (annex section: A.1, A.2…). The numbers are
  plain text, so they survive being pasted into another Word file (no automatic numbering);
- removes the `⟦block⟧` markers of block headings and anchors there a Word comment giving the rule and
  legal basis behind the block, spanning the heading and the paragraphs of the block;
- highlights every `[à compléter : …]` in yellow;
- fixes core properties and writes a zip whose bytes only depend on the content (fixed timestamps), so
  that the same input gives the same file.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import struct
import zipfile

from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .models import Decision

MARKER = re.compile(r"⟦([a-z0-9_]+)⟧")
NUMBERING = re.compile(r"⟦(#|#\.#|A\.#)⟧")
BLANK = re.compile(r"\[à compléter[^\]]*\]")
AUTHOR, INITIALS = "clausier", "CL"
_FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


_W_T = qn("w:t")


def _raw_text(p) -> str:
    """The text of a `w:p` element's `w:t` runs: a cheap pre-check before python-docx's `paragraph.text`
    (an XPath query per run, which dominated the post-processing time)."""
    return "".join(t.text or "" for t in p.iter(_W_T))


def _paragraphs(doc):
    """Body paragraphs (table cells included, each once), headers and footers.

    Headers and footers are read from the parts the document relates to now: docxtpl replaces them by new
    parts when it renders, which `section.header` does not see (it would return the unrendered part).
    """
    body = doc._body
    for p in doc.element.body.iter(qn("w:p")):
        yield Paragraph(p, body)
    for rel in doc.part.rels.values():
        if rel.reltype in (RT.HEADER, RT.FOOTER) and not rel.is_external:
            for p in rel.target_part.element.iter(qn("w:p")):
                yield Paragraph(p, None)


def _split_run(run: Run, start: int, end: int) -> Run:
    """Isolate run.text[start:end] in its own run with the same formatting and return it."""
    text, r = run.text, run._r

    def clone(t):
        new = copy.deepcopy(r)
        for child in list(new):
            if child.tag != qn("w:rPr"):
                new.remove(child)
        Run(new, run._parent).text = t
        return new

    if text[end:]:
        r.addnext(clone(text[end:]))
    mid = clone(text[start:end])
    r.addnext(mid)
    if text[:start]:
        run.text = text[:start]
    else:
        r.getparent().remove(r)
    return Run(mid, run._parent)


def _highlight_blanks(paragraph) -> int:
    count = 0
    changed = True
    while changed:
        changed = False
        for run in paragraph.runs:
            if run.font.highlight_color is not None:
                continue
            match = BLANK.search(run.text or "")
            if match:
                target = _split_run(run, match.start(), match.end())
                target.font.highlight_color = WD_COLOR_INDEX.YELLOW
                count += 1
                changed = True
                break
    return count


def _number_headings(doc) -> None:
    """Replace the numbering markers of body paragraphs by explicit numbers, in document order."""
    article = paragraph_no = annex_no = 0
    for paragraph in doc.paragraphs:
        if "⟦" not in _raw_text(paragraph._p) or not _is_heading(paragraph):
            continue
        for run in paragraph.runs:
            text = run.text or ""
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

            run.text = NUMBERING.sub(number, text)


def _is_heading(paragraph) -> bool:
    """Markers are read in headings only: elsewhere a `⟦…⟧` is user text, shown as written."""
    if paragraph._parent is None:  # header or footer paragraph (see _paragraphs): never a heading
        return False
    # python-docx scans styles.xml on each `paragraph.style` (≈ 60 % of a render when asked for every
    # paragraph): the answer per style id is remembered on this document's part, whose styles finish() never changes
    memo = paragraph.part.__dict__.setdefault("_clausier_heading_styles", {})
    style_id = paragraph._p.style
    if style_id not in memo:
        name = (paragraph.style.name if paragraph.style is not None else "") or ""
        memo[style_id] = name.startswith(("Heading", "Titre", "Title"))
    return memo[style_id]


def _block_ranges(doc):
    """(block, first run, last run) for each block heading of the body: the heading and its paragraphs."""
    body = [Paragraph(p, doc._body) for p in doc.element.body.iterchildren(qn("w:p"))]
    for i, paragraph in enumerate(body):
        found = MARKER.search(paragraph.text) if _is_heading(paragraph) and "⟦" in _raw_text(paragraph._p) else None
        if not found:
            continue
        last = paragraph
        for following in body[i + 1:]:
            if _is_heading(following):
                break
            if _raw_text(following._p) or any(r.text for r in following.runs):
                last = following
        yield found.group(1), paragraph, last


def finish(doc, decision: Decision, comments: dict[str, str]) -> bytes:
    """Post-process a rendered document and return its stable bytes.

    Args:
        doc: the python-docx Document docxtpl rendered.
        decision: the decision rendered (dates and version for the properties).
        comments: block name -> comment text; empty to add no comment.
    """
    stamp = dt.datetime.combine(decision.launch_date, dt.time(0, 0), tzinfo=dt.timezone.utc)
    _number_headings(doc)
    ranges = list(_block_ranges(doc))
    for paragraph in list(_paragraphs(doc)):
        if "⟦" in _raw_text(paragraph._p) and _is_heading(paragraph):
            for run in paragraph.runs:
                if "⟦" in (run.text or ""):
                    run.text = MARKER.sub("", run.text)
    for block, first, last in ranges:
        start = [r for r in first.runs if r.text]
        end = [r for r in last.runs if r.text]
        if block in comments and start and end:
            comment = doc.add_comment([start[0], end[-1]], text=comments[block], author=AUTHOR, initials=INITIALS)
            comment._comment_elm.date = stamp
    for paragraph in list(_paragraphs(doc)):
        if "[à compléter" in _raw_text(paragraph._p):
            _highlight_blanks(paragraph)
    props = doc.core_properties
    props.author = AUTHOR
    props.last_modified_by = AUTHOR
    props.created = stamp.replace(tzinfo=None)
    props.modified = stamp.replace(tzinfo=None)
    props.last_printed = stamp.replace(tzinfo=None)
    props.revision = 1
    props.subject = "Clause sociale d'insertion"
    props.comments = f"Généré par clausier, règles {decision.ruleset_version}, droit au {decision.launch_date.isoformat()}"
    props.language = "fr-FR"
    buf = io.BytesIO()
    doc.save(buf)
    return stable_zip(buf.getvalue())


def stable_zip(data: bytes) -> bytes:
    """Rewrite a .docx zip with fixed timestamps and attributes, keeping member order.

    Deflated members are copied as they are (same compressor, same bytes as recompressing them) with
    new headers: only the headers change, which avoids inflating and deflating every part again.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, _FIXED_ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            raw = _deflated_bytes(data, info)
            if raw is None:
                dst.writestr(zi, src.read(info.filename))
                continue
            zi.file_size, zi.compress_size, zi.CRC, zi.flag_bits = info.file_size, len(raw), info.CRC, 0
            zi.header_offset = out.tell()
            out.write(zi.FileHeader(False))
            out.write(raw)
            dst.filelist.append(zi)
            dst.NameToInfo[zi.filename] = zi
            dst.start_dir = out.tell()
            dst._didModify = True
    return out.getvalue()


def _deflated_bytes(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """The compressed bytes of a deflated member, or None when it must be recompressed."""
    if info.compress_type != zipfile.ZIP_DEFLATED or info.flag_bits & 0x01 or info.file_size > 1 << 30:
        return None
    at = info.header_offset
    if data[at:at + 4] != b"PK\x03\x04":
        return None
    name_len, extra_len = struct.unpack_from("<HH", data, at + 26)
    begin = at + 30 + name_len + extra_len
    raw = data[begin:begin + info.compress_size]
    return raw if len(raw) == info.compress_size else None
