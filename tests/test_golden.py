"""Golden documents: each example market's Word output, as normalised text, equals its reviewed snapshot.

A snapshot (`tests/golden/<template>__<example>.txt`) is what a reviewer reads in a pull request: one
line per paragraph (`#`, `##`, `###` for title and headings, `-` for list items, `|` between table cells),
the header and footer, then every Word comment with the text it is anchored on. The ruleset version
(whose digest changes with any edit of `rulesets/`) is written `<version>`.

Each example has two snapshots: the whole draft (`…__<example>.txt`: clause, comments, annex) and what the
bidders read (`…__<example>__sans_annexe.txt`: rendered with `--no-annex --no-comments`, the text pasted into
the consultation file).

Regenerate after a reviewed change of templates, wording or rules:

    python -m pytest tests/test_golden.py --update-golden

then read `git diff tests/golden/` before committing.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

import engine
from engine.documents import template_name
from engine.testing import docx_comments

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
GOLDEN = Path(__file__).resolve().parent / "golden"
_PREFIX = {"Title": "# ", "Heading 1": "## ", "Heading 2": "### ", "List Bullet": "- "}


def _clean(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _paragraph_line(paragraph: Paragraph) -> str:
    text = _clean(paragraph.text)
    if not text:
        return ""
    return _PREFIX.get(paragraph.style.name if paragraph.style is not None else "", "") + text


def snapshot(data: bytes, version: str | None = None) -> str:
    """The reviewable text of a generated document (see the module docstring).

    `version`: the ruleset version printed in the document, replaced by `<version>`: its digest changes
    with any edit of `rulesets/`, while the snapshot shows what that edit changes in the text.
    """
    doc = Document(io.BytesIO(data))
    lines = []
    section = doc.sections[0]
    lines += [f"[en-tête] {_clean(p.text)}" for p in section.header.paragraphs if _clean(p.text)]
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            line = _paragraph_line(Paragraph(child, doc._body))
            if line:
                lines.append(line)
        elif child.tag == qn("w:tbl"):
            for row in Table(child, doc._body).rows:
                lines.append("| " + " | ".join(_clean(c.text) for c in row.cells) + " |")
    lines += [f"[pied] {_clean(p.text)}" for p in section.footer.paragraphs if _clean(p.text)]
    comments = docx_comments(data)
    if comments:
        lines.append("")
        lines.append("== Commentaires ==")
        lines += [f"« {_clean(anchor)[:40]}… » : {_clean(text)}" for anchor, text in comments]
    text = "\n".join(lines) + "\n"
    return text.replace(version, "<version>") if version else text


VARIANTS = {"": {}, "__sans_annexe": {"annex": False, "comments": False}}


def _golden_path(path: Path, decision, variant: str = "") -> Path:
    return GOLDEN / f"{template_name(decision).removesuffix('.docx')}__{path.stem}{variant}.txt"


@pytest.mark.parametrize("variant", list(VARIANTS), ids=["complet", "sans_annexe"])
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_document_text_matches_reviewed_snapshot(path, variant, request):
    """The document generated for each example reads exactly as its reviewed snapshot, with and without the
    annex and comments."""
    decision = engine.evaluate(json.loads(path.read_text(encoding="utf-8")))
    got = snapshot(engine.render(decision, **VARIANTS[variant]), decision.ruleset_version)
    golden = _golden_path(path, decision, variant)
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(got, encoding="utf-8")
        return
    assert golden.exists(), f"{golden.name} absent : python -m pytest tests/test_golden.py --update-golden"
    want = golden.read_text(encoding="utf-8")
    assert got == want, (f"{golden.name} diffère du document généré ; si le changement est voulu : "
                         "python -m pytest tests/test_golden.py --update-golden, puis relire git diff tests/golden/")


def test_every_snapshot_belongs_to_an_example():
    """No stale snapshot is left behind when an example is renamed or removed."""
    expected = {_golden_path(p, engine.evaluate(json.loads(p.read_text(encoding="utf-8"))), v).name
                for p in EXAMPLES for v in VARIANTS}
    present = {p.name for p in GOLDEN.glob("*.txt")}
    assert present <= expected, f"instantanés orphelins : {sorted(present - expected)}"
