"""Templates: the .docx files drafters edit, checked against the context, free of article numbers, documented."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from cli import cli
from engine.documents import template_names
from engine.documents.templates_check import check_templates, reference_context

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


def _document_text(path: Path) -> str:
    """Every piece of text of a .docx: the text of all its XML parts, tags removed."""
    with zipfile.ZipFile(path) as z:
        return "\n".join(re.sub(r"<[^>]+>", "", z.read(n).decode("utf-8"))
                         for n in z.namelist() if n.endswith(".xml"))


def test_the_templates_hold_no_article_number():
    """Templates are the clause wording drafters edit: legal articles come from the decision (`bases`,
    `reserve.article`…), i.e. from rulesets/, never written into a template."""
    pattern = re.compile(r"\b[LRD]\s?\d{4}-\d+")
    found = {p.name: pattern.findall(_document_text(p)) for p in sorted(TEMPLATES.glob("*.docx"))}
    assert len(found) == len(template_names()) and {k: v for k, v in found.items() if v} == {}


def test_the_article_check_sees_an_article_typed_into_a_template(tmp_path):
    path = tmp_path / "modele.docx"
    doc = Document(TEMPLATES / template_names()[0])
    doc.add_paragraph("En application de l'article L2112-2 du code de la commande publique.")
    doc.save(path)
    assert re.findall(r"\b[LRD]\s?\d{4}-\d+", _document_text(path)) == ["L2112-2"]


def test_clausier_templates_pass_the_check():
    """Our own templates use only variables the context provides and carry every required block."""
    assert {name: [str(p) for p in problems] for name, problems in check_templates(TEMPLATES).items()
            if problems} == {}


@pytest.fixture()
def org_templates(tmp_path):
    folder = tmp_path / "modeles"
    shutil.copytree(TEMPLATES, folder, ignore=shutil.ignore_patterns("*.md"))
    return folder


def _edit(path: Path, drop_marker: str | None = None, add: str | None = None):
    doc = Document(path)
    if drop_marker:
        for p in doc.paragraphs:
            for r in p.runs:
                r.text = r.text.replace(f"⟦{drop_marker}⟧", "")
    if add:
        doc.add_paragraph(add)
    doc.save(path)


@pytest.mark.slow
class TestTemplatesCheckCommand:
    def test_our_templates_are_reported_conforming(self):
        """`clausier templates check templates/` exits 0 and says each template conforms."""
        result = CliRunner().invoke(cli, ["templates", "check", str(TEMPLATES)])
        assert result.exit_code == 0, result.output
        assert result.output.count(": conforme") == 6

    def test_unknown_variables_missing_blocks_and_missing_files_are_reported(self, org_templates):
        """A variable the context lacks, a required block removed and a missing file: exit 1, each named."""
        _edit(org_templates / "public_condition_execution.docx", drop_marker="penalites",
              add="SIRET : {{ acheteur.siret }} — {% for l in lots %}{{ l.inconnu }}{% endfor %}")
        (org_templates / "prive_objet_marche.docx").unlink()
        result = CliRunner().invoke(cli, ["templates", "check", str(org_templates)])
        assert result.exit_code == 4
        assert "variable « acheteur.siret » non fournie" in result.output
        assert "variable « lots.inconnu » non fournie" in result.output
        assert "bloc requis absent : ⟦penalites⟧" in result.output
        assert "prive_objet_marche.docx : à corriger" in result.output
        assert "modèle absent" in result.output
        assert "4 problème(s)" in result.stderr

    def test_loop_variables_and_known_paths_are_accepted(self, org_templates):
        """Loop aliases resolve to the list's items: `{% for l in reserve.lots %}{{ l.mention }}` is fine."""
        _edit(org_templates / "public_critere_attribution.docx",
              add="{% for l in reserve.lots %}{{ l.mention }} {{ loop.index }}{% endfor %} {{ marche.montant|upper }}")
        assert check_templates(org_templates)["public_critere_attribution.docx"] == []

    def test_a_jinja_syntax_error_and_an_unreadable_file_are_reported(self, org_templates):
        """Broken Jinja or a file that is not a .docx: reported, never a traceback."""
        _edit(org_templates / "public_objet_marche.docx", add="{% if marche.titre %} jamais fermé")
        (org_templates / "prive_critere_attribution.docx").write_bytes(b"pas un zip")
        problems = check_templates(org_templates)
        assert "erreur de syntaxe Jinja" in str(problems["public_objet_marche.docx"][0])
        assert "illisible" in str(problems["prive_critere_attribution.docx"][0])


def test_every_context_variable_is_documented():
    """docs/template-context.md names every variable of the context (`root.key`)."""
    doc = (ROOT / "docs" / "template-context.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_]+(?:\.[a-z_<>]+)*)`", doc))
    context = reference_context()
    missing = []
    for root, value in context.items():
        if root not in documented and not any(d.startswith(root + ".") for d in documented):
            missing.append(root)
        if isinstance(value, dict) and root not in ("blocs", "bases", "bases_de", "bases_a", "contenus"):
            missing += [f"{root}.{k}" for k in value if f"{root}.{k}" not in documented]
    assert missing == []


@pytest.mark.slow
def test_every_context_built_matches_its_types():
    """build_context's output is exactly the typed context (no key missing, none undeclared, all text),
    for every example and 300 generated markets, with and without the annex."""
    import json

    from pydantic import TypeAdapter

    import engine
    from engine.documents import build_context
    from engine.documents.context_types import TemplateContext
    from engine.law.knowledge import knowledge
    from engine.testing import markets

    adapter = TypeAdapter(TemplateContext)
    kb = knowledge()
    inputs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
    checked = 0
    for market in inputs + markets(300, seed=11):
        decision = engine.evaluate(market)
        if decision.allowed:
            for annex in (True, False):
                context = build_context(decision, kb, annex=annex)
                adapter.validate_python(context)
                assert set(context["blocs"]) == set(kb.known_blocks)
                checked += 1
    assert checked > 300


def test_the_types_refuse_a_variable_they_do_not_declare():
    from pydantic import TypeAdapter, ValidationError

    from engine.documents.context_types import TemplateContext, skeleton

    context = skeleton()
    TypeAdapter(TemplateContext).validate_python(context)
    context["marche"]["siret"] = "123"
    with pytest.raises(ValidationError, match="marche.siret"):
        TypeAdapter(TemplateContext).validate_python(context)
