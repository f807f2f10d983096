"""After rendering: block markers become Word comments, blanks are highlighted, bytes are made stable.

Works on the python-docx Document that docxtpl has just rendered (no re-parse): removes the `⟦block⟧`
markers the templates put in block headings, anchors there a comment giving the rule and legal basis,
highlights every `[à compléter : …]` in yellow, fixes core properties and writes a zip whose bytes only
depend on the content (fixed timestamps), so that the same input gives the same file.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import re
import struct
import zipfile

from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.text.run import Run

from .knowledge import KnowledgeBase
from .models import Decision

MARKER = re.compile(r"⟦([a-z0-9_]+)⟧")
BLANK = re.compile(r"\[à compléter[^\]]*\]")
AUTHOR, INITIALS = "clausier", "CL"
_FIXED_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _paragraphs(doc):
    """Body paragraphs, table-cell paragraphs, headers and footers."""
    yield from doc.paragraphs
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in doc.sections:
        for part in (section.header, section.footer):
            yield from part.paragraphs


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


def _comment_texts(decision: Decision, kb: KnowledgeBase) -> dict[str, str]:
    by_block: dict[str, list] = {}
    for step in decision.trace:
        for token in step.asserted:
            if token.startswith("bloc:"):
                by_block.setdefault(token[5:], []).append(step)
    texts = {}
    for block, steps in by_block.items():
        parts = []
        for step in steps:
            refs = "; ".join(
                (f"{r['code']}, art. {r['article']}" if r["article"] else r["title"])
                + ("" if r["verified"] else " (NON VÉRIFIÉ)")
                for r in step.references
            )
            parts.append(f"Règle « {step.label} » ({step.rule}) — fondement : {refs}.")
        texts[block] = " ".join(parts)
    return texts


def finish(doc, decision: Decision, kb: KnowledgeBase, *, comments: bool) -> bytes:
    """Post-process a rendered document and return its stable bytes."""
    texts = _comment_texts(decision, kb) if comments else {}
    stamp = dt.datetime.combine(decision.launch_date, dt.time(0, 0), tzinfo=dt.timezone.utc)
    for paragraph in list(_paragraphs(doc)):
        if "⟦" in paragraph.text:
            block = None
            for run in paragraph.runs:
                found = MARKER.search(run.text or "")
                if found:
                    block = block or found.group(1)
                    run.text = MARKER.sub("", run.text)
            runs = [r for r in paragraph.runs if r.text]
            if comments and block in texts and runs:
                comment = doc.add_comment(runs, text=texts[block], author=AUTHOR, initials=INITIALS)
                comment._comment_elm.date = stamp
        if "[à compléter" in paragraph.text:
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
