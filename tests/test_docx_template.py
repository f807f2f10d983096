"""A prepared template renders exactly what docxtpl renders from the same template and context.

`_docx_template.PreparedTemplate` does docxtpl's template work once and its per-document work itself;
these tests put its parts side by side with docxtpl's own `render` for clausier's templates and for an
organisation template exercising what clausier's templates do not: a column loop (docxtpl's table fix),
line breaks and tabs in a value (its listing), pictures (its drawing ids) and footnotes.
"""

from __future__ import annotations

import base64
import copy
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Mm
from docxtpl import DocxTemplate
from lxml import etree

import engine
from engine import documents
from engine.documents.word.prepared import PreparedTemplate
from engine.law.knowledge import knowledge

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)

ROOT = Path(__file__).resolve().parent.parent
# a 1×1 transparent PNG
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")


def _docxtpl(data: bytes, context: dict) -> DocxTemplate:
    tpl = DocxTemplate(io.BytesIO(data))
    tpl.render(context, jinja_env=documents.jinja_env())
    return tpl


def _xml(element) -> bytes:
    return etree.tostring(element, encoding="UTF-8")


def _stories(tpl: DocxTemplate) -> dict[str, bytes]:
    return {rel.target_part.partname.membername: _xml(rel.target_part.element)
            for rel in tpl.docx.part.rels.values() if rel.reltype.endswith(("/header", "/footer"))}


def _same_parts(data: bytes, context: dict) -> tuple[DocxTemplate, object]:
    expected = _docxtpl(data, context)
    rendered = PreparedTemplate(data, documents.jinja_env()).render(context)
    assert _xml(rendered.document) == _xml(expected.docx.element)
    assert {k: _xml(v) for k, v in rendered.stories.items()} == _stories(expected)
    props = expected.docx.core_properties
    assert rendered.property_values == {name: getattr(props, name) for name in rendered.property_values}
    return expected, rendered


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "examples").glob("*.json")))
def test_clausier_templates_render_as_docxtpl_renders_them(name):
    decision = engine.evaluate(json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8")))
    if not decision.allowed:
        pytest.skip("mode non admis : pas de document")
    data = (documents.templates_dir() / documents.template_name(decision)).read_bytes()
    _, rendered = _same_parts(data, documents.build_context(decision, knowledge()))
    assert rendered.stories, "the templates have a header and a footer"


def _with_footnotes(data: bytes, note_xml: str) -> bytes:
    """`data` plus a footnotes part (python-docx cannot add one), related from the document."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{w}">'
                 f'<w:footnote w:id="1"><w:p><w:r><w:t>{note_xml}</w:t></w:r></w:p></w:footnote></w:footnotes>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", b'<Override PartName="/word/footnotes.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            if info.filename == "word/_rels/document.xml.rels":
                body = body.replace(b"</Relationships>", b'<Relationship Id="rIdNote" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/footnotes" '
                                    b'Target="footnotes.xml"/></Relationships>')
            dst.writestr(info.filename, body)
        dst.writestr("word/footnotes.xml", footnotes)
    return out.getvalue()


@pytest.fixture(scope="module")
def organisation_template(tmp_path_factory) -> bytes:
    doc = Document()
    doc.add_paragraph("{{ texte }}")
    table = doc.add_table(rows=2, cols=3)
    for i, text in enumerate(("{%tc for c in colonnes %}", "{{ c }}", "{%tc endfor %}")):
        table.cell(0, i).text = text
    table.cell(1, 0).text = "ligne"
    doc.add_picture(io.BytesIO(PNG), width=Mm(5))
    doc.add_picture(io.BytesIO(PNG), width=Mm(5))
    doc.sections[0].header.paragraphs[0].text = "En-tête {{ texte }}"
    doc.core_properties.title = "Titre {{ titre }}"
    buf = io.BytesIO()
    doc.save(buf)
    return _with_footnotes(buf.getvalue(), "Note {{ note }}")


CONTEXT = {"texte": "deux\nlignes\tet une tabulation", "colonnes": ["a", "b", "c", "d", "e"], "note": "N° 1 & <x>",
           "titre": "T"}


def test_an_organisation_template_renders_as_docxtpl_renders_it(organisation_template):
    expected, rendered = _same_parts(organisation_template, CONTEXT)
    body = _xml(rendered.document).decode()
    assert body.count("<w:gridCol ") == 5, "docxtpl's table fix gave the grid one column per looped cell"
    assert re.findall(r'<wp:docPr id="(\d+)"', body) == ["1001", "1002"], "drawing ids renumbered as docxtpl does"
    assert "<w:br/>" in body and "<w:tab/>" in body, "a line break and a tab in a value become Word's"
    footnotes = next(p for p in expected.docx.part.package.iter_parts() if p.partname.endswith("footnotes.xml"))
    assert rendered.footnotes == {"word/footnotes.xml": footnotes.blob}
    assert "Note N° 1 &amp; &lt;x&gt;" in footnotes.blob.decode()
    assert rendered.property_values["title"] == "Titre T"


def test_footnotes_of_an_organisation_template_are_rendered_in_the_written_document(tmp_path):
    doc = Document()
    doc.add_paragraph("Clause pour {{ marche.titre }} : {{ heures.valeur }} heures [à compléter : date]")
    buf = io.BytesIO()
    doc.save(buf)
    data = _with_footnotes(buf.getvalue(), "Acheteur : {{ marche.acheteur }}")
    (tmp_path / "public_condition_execution.docx").write_bytes(data)
    market = json.loads((ROOT / "examples" / "travaux_condition_execution.json").read_text(encoding="utf-8"))
    decision = engine.evaluate(market)
    written = engine.render(decision, templates=tmp_path)
    parts = zipfile.ZipFile(io.BytesIO(written))
    assert f"Acheteur : {market['buyer_name']}" in parts.read("word/footnotes.xml").decode()
    text = "\n".join(p.text for p in Document(io.BytesIO(written)).paragraphs)
    assert f"Clause pour {market['title']} : {decision.hours.value:,.0f}".replace(",", "\u202f") in text \
        or f"Clause pour {market['title']} :" in text
    assert 'w:highlight w:val="yellow"' in parts.read("word/document.xml").decode()


def _market() -> dict:
    return json.loads((ROOT / "examples" / "travaux_condition_execution.json").read_text(encoding="utf-8"))


def test_a_file_that_is_not_a_word_document_is_named_in_the_error(tmp_path):
    (tmp_path / "public_condition_execution.docx").write_bytes(b"pas un zip")
    with pytest.raises(engine.DocumentError) as err:
        engine.render(engine.evaluate(_market()), templates=tmp_path)
    assert str(err.value) == ("modèle public_condition_execution.docx : ce fichier n'est pas un document Word "
                              ".docx lisible (BadZipFile : File is not a zip file)")


def test_a_jinja_syntax_error_quotes_the_template_text_around_it(tmp_path):
    doc = Document()
    doc.add_paragraph("Heures : {{ heures.valeur }}")
    doc.add_paragraph("{% if %}")
    doc.save(tmp_path / "public_condition_execution.docx")
    with pytest.raises(engine.DocumentError) as err:
        engine.render(engine.evaluate(_market()), templates=tmp_path)
    message = str(err.value)
    assert message.startswith("modèle public_condition_execution.docx : erreur de modèle : ")
    assert message.endswith("contexte : Heures : {{ heures.valeur }} … {% if %}"), message


def test_a_template_edited_while_the_process_runs_is_prepared_again(tmp_path):
    """Software embedding clausier keeps one process: an organisation's edited template is seen at once."""
    decision = engine.evaluate(_market())
    path = tmp_path / "public_condition_execution.docx"
    for wording in ("Première version : {{ heures.valeur }} heures", "Seconde version : {{ heures.valeur }} heures"):
        doc = Document()
        doc.add_paragraph(wording)
        doc.save(path)
        text = "\n".join(p.text for p in Document(io.BytesIO(engine.render(decision, templates=tmp_path))).paragraphs)
        assert wording.split(" :")[0] in text


@pytest.mark.parametrize("text", ["Fondement : CCP.", " espaces autour ", "tabulation\tici", "deux\nlignes", ""])
def test_a_comment_is_written_as_python_docx_writes_it(text):
    """clausier builds comments from python-docx's elements made once; the XML is python-docx's own."""
    import datetime as dt

    from engine.documents.word.finish import (
        AUTHOR,
        INITIALS,
        _add_comment,
        _comment_parts,
    )

    stamp = dt.datetime(2026, 11, 24, tzinfo=dt.timezone.utc)
    expected = Document()
    ours = Document()
    for doc in (expected, ours):
        doc.add_paragraph("premier").add_run(" suite")
        doc.add_paragraph("dernier")
    runs = [p.runs for p in expected.paragraphs]
    for _ in range(2):  # the second comment gets the next number
        comment = expected.add_comment([runs[0][0], runs[1][-1]], text=text, author=AUTHOR, initials=INITIALS)
        comment._comment_elm.date = stamp
    notes = copy.deepcopy(_comment_parts()[0])
    runs = [p.runs for p in ours.paragraphs]
    for _ in range(2):
        _add_comment(notes, runs[0][0]._r, runs[1][-1]._r, text, stamp)
    assert _xml(ours.element.body) == _xml(expected.element.body)
    assert _xml(notes) == _xml(expected.part._comments_part.element)


# Private names of docxtpl, python-docx and zipfile that clausier uses for speed, and the one module allowed each.
_DOORS = {
    "engine/documents/word/docxtpl_door.py": [r"(?<!docxtpl_door)\.(patch_xml|resolve_listing|fix_tables|init_docx|"
                                              r"get_headers_footers)\(", r"^\s*(from|import) docxtpl\b"],
    "engine/documents/word/python_docx_door.py": [r"\._core_properties_part\b", r"\._comments_part\b",
                                                  r"_default_comments_xml", r"\._comment_elm\b", r"\._element\b"],
    "engine/documents/word/zip_members.py": [r"\bFileHeader\b", r"\bNameToInfo\b", r"\b_didModify\b",
                                             r"\bstart_dir\b"],
}


def test_each_dependencys_internals_are_reached_through_one_module():
    root = Path(__file__).resolve().parent.parent
    misplaced = []
    for path in sorted((root / "engine").rglob("*.py")):
        shown = str(path.relative_to(root))
        text = path.read_text(encoding="utf-8")
        for door, patterns in _DOORS.items():
            if shown != door:
                misplaced += [f"{shown}: {p}" for p in patterns if re.search(p, text, re.M)]
    assert misplaced == []
    for door, patterns in _DOORS.items():  # each pattern finds what it is meant to find in its door
        text = (root / door).read_text(encoding="utf-8")
        assert all(re.search(p, text, re.M) for p in patterns), door


def test_the_pinned_versions_are_the_installed_ones():
    """The doors were read and are tested against these versions: an upgrade must go through them again."""
    from importlib.metadata import version

    from engine.documents.word import docxtpl_door, python_docx_door

    assert version("docxtpl") == docxtpl_door.PINNED
    assert version("python-docx").startswith(python_docx_door.PINNED + ".")
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"docxtpl=={docxtpl_door.PINNED}"' in pyproject and '"python-docx>=1.2,<1.3"' in pyproject
