"""Templates: built reproducibly from one script, checked against the context, documented."""

from __future__ import annotations

import importlib.util
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

from cli import cli
from engine.documents import template_names
from engine.documents.templates_check import check_templates, reference_context

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"


def _builder():
    spec = importlib.util.spec_from_file_location("build_templates", TEMPLATES / "build_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_templates_are_exactly_what_the_build_script_produces(tmp_path):
    """templates/build_templates.py is the single source: the .docx files are its byte-stable output."""
    written = _builder().build(tmp_path)
    assert sorted(p.name for p in written) == sorted(template_names())
    for path in written:
        assert path.read_bytes() == (TEMPLATES / path.name).read_bytes(), (
            f"{path.name} diffère de la sortie du script : python templates/build_templates.py")


def test_the_build_is_byte_stable(tmp_path):
    """Two builds give the same bytes (fixed zip dates and properties)."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    builder = _builder()
    for x, y in zip(builder.build(a), builder.build(b)):
        assert x.read_bytes() == y.read_bytes()


def test_clausier_templates_pass_the_check():
    """Our own templates use only variables the context provides and carry every required block."""
    assert {name: [str(p) for p in problems] for name, problems in check_templates(TEMPLATES).items()
            if problems} == {}


@pytest.fixture()
def org_templates(tmp_path):
    folder = tmp_path / "modeles"
    shutil.copytree(TEMPLATES, folder, ignore=shutil.ignore_patterns("*.py"))
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
