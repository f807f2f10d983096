"""The command line for programs: exit codes, JSON errors with stable codes, --mode, versions and schemas."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import jsonschema
import pytest

import engine
from cli import cli
from engine.errors import ERROR_CODES, PROBLEM_CODES, ExitCode

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
WORKS = EXAMPLES / "travaux_condition_execution.json"
NOT_ALLOWED = {"segment": "travaux", "amount": 300000, "procedure": "procedure_adaptee", "buyer_type": "collectivite",
               "reserved_for": "ess", "mode": "condition_execution", "launch_date": "2026-06-01"}


def _write(tmp_path: Path, data, name="marche.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _broken_rules(tmp_path: Path) -> Path:
    import shutil

    copy = tmp_path / "regles"
    shutil.copytree(ROOT / "rulesets", copy)
    (copy / "references.yaml").write_text("- pas: un catalogue\n", encoding="utf-8")
    return copy


def _situations(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    """Every kind of failure -> (command line, expected code)."""
    exists = tmp_path / "existe.docx"
    exists.write_bytes(b"previous work")
    plan = tmp_path / "plan.jsonl"
    plan.write_text(json.dumps(NOT_ALLOWED) + "\n" + json.dumps({"amount": -1}) + "\n", encoding="utf-8")
    bad_templates = tmp_path / "modeles"
    bad_templates.mkdir()
    return {
        "usage": (["generate", str(WORKS), "--mode", "inconnu"], "usage"),
        "entree_invalide": (["generate", str(_write(tmp_path, {"amount": -1}))], "entree_invalide"),
        "date_non_couverte": (["generate", str(_write(tmp_path, dict(NOT_ALLOWED, launch_date="2031-01-01"), "d.json"))],
                              "date_non_couverte"),
        "plan_invalide": (["batch", str(tmp_path / "plan.txt"), "-o", str(tmp_path / "o")], "plan_invalide"),
        "donnees_illisibles": (["audit", str(_write(tmp_path, "ni JSON ni CSV", "decp.txt")), "-o",
                                str(tmp_path / "audit")], "donnees_illisibles"),
        "mode_non_admis": (["generate", str(_write(tmp_path, NOT_ALLOWED, "n.json")), "-o", str(tmp_path / "n.docx")],
                           "mode_non_admis"),
        "marches_sans_document": (["batch", str(plan), "-o", str(tmp_path / "sortie"), "-j", "1"],
                                  "marches_sans_document"),
        "fichier_existant": (["generate", str(WORKS), "-o", str(exists)], "fichier_existant"),
        "fichier_introuvable": (["generate", str(tmp_path / "absent.json")], "fichier_introuvable"),
        "lecture_impossible": (["generate", str(tmp_path)], "lecture_impossible"),
        "ecriture_impossible": (["generate", str(WORKS), "-o", str(exists / "sous" / "c.docx")], "ecriture_impossible"),
        "regles_invalides": (["--rulesets", str(_broken_rules(tmp_path)), "rules", "check"], "regles_invalides"),
        "modeles_invalides": (["templates", "check", str(bad_templates)], "modeles_invalides"),
    }


# internal errors and a missing web extra are simulated in their own tests (test_service_cli.py…)
@pytest.mark.parametrize("kind", [k for k in ERROR_CODES
                                  if k not in ("erreur_interne", "installation_incomplete", "service_non_installe")])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_each_failure_has_its_exit_code_and_its_json_object(runner, tmp_path, kind, fmt):
    """Each kind of failure exits with its documented code; with --format json, stderr is one JSON object."""
    (tmp_path / "plan.txt").write_text("x", encoding="utf-8")
    args, code = _situations(tmp_path)[kind]
    if args[0] == "batch":
        args = [*args, "--format", "json" if fmt == "json" else "docx"]
    else:
        args = [*args, "--format", fmt]
    result = runner.invoke(cli, args)
    assert result.exit_code == int(ERROR_CODES[code][0]), (result.exit_code, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    if fmt == "json":
        payload = json.loads(result.stderr)
        assert payload["code"] == code and payload["code_sortie"] == result.exit_code
        assert payload["message"] and payload["problemes"], payload
        for problem in payload["problemes"]:
            assert set(problem) == {"champ", "code", "message"}
            assert problem["code"] in PROBLEM_CODES or problem["code"] in ERROR_CODES, problem
    else:
        assert "Erreur : " in result.stderr and not result.stderr.lstrip().startswith("{")


def test_a_bug_exits_5_and_says_how_to_report_it(runner, monkeypatch):
    """An unexpected exception: exit 5, « erreur interne », that it is a bug and how to report it; no traceback."""
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("engine.reasoning.evaluate.evaluate", broken)
    result = runner.invoke(cli, ["explain", str(WORKS)])
    assert result.exit_code == ExitCode.INTERNAL == 5
    assert "erreur interne" in result.stderr and "défaut de clausier" in result.stderr and "--debug" in result.stderr
    assert "Traceback" not in result.stderr
    as_json = runner.invoke(cli, ["evaluate", str(WORKS), "--format", "json"])
    assert json.loads(as_json.stderr)["code"] == "erreur_interne" and as_json.exit_code == 5


def test_refusals_exit_1_and_name_the_modes_by_their_labels(runner, tmp_path):
    """A refused mode: exit 1; the admitted modes are named as the buyer reads them, with the option to choose
    one; a market refused whatever the mode (here an ESS reservation of works) lists none."""
    purpose = dict(NOT_ALLOWED, mode="objet_marche", reserved_for=None)
    result = runner.invoke(cli, ["generate", str(_write(tmp_path, purpose)), "-o", str(tmp_path / "c.docx")])
    assert result.exit_code == 1
    assert "n'est pas admis" in result.stderr and "« objet_marche »" not in result.stderr
    assert "condition d'exécution (clause d'insertion) (--mode condition_execution)" in result.stderr
    result = runner.invoke(cli, ["generate", str(_write(tmp_path, NOT_ALLOWED)), "-o", str(tmp_path / "c.docx")])
    assert result.exit_code == 1
    assert "le mode « condition d'exécution (clause d'insertion) » n'est pas admis" in result.stderr
    assert "modes admis : aucun" in result.stderr and "--mode" not in result.stderr


def test_readme_and_help_document_every_code():
    """README lists every exit code, error code and problem code; `clausier --help` lists the exit codes."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in [*ERROR_CODES, *PROBLEM_CODES]:
        assert f"`{code}`" in readme, code
    for exit_code in ExitCode:
        assert re.search(rf"^\| {int(exit_code)} \|", readme, re.M), exit_code


class TestMode:
    def test_mode_overrides_the_file_on_evaluate_explain_and_generate(self, runner, tmp_path):
        """--mode replaces the file's mode everywhere; the document follows it."""
        evaluated = json.loads(runner.invoke(cli, ["evaluate", str(WORKS), "--mode", "critere_attribution"]).stdout)
        assert evaluated["requested_mode"] == evaluated["mode"] == "critere_attribution"
        explained = runner.invoke(cli, ["explain", str(WORKS), "--mode", "critere_attribution"]).stdout
        assert "Mode demandé : critère d'attribution" in explained
        out = tmp_path / "c.docx"
        generated = runner.invoke(cli, ["generate", str(WORKS), "--mode", "critere_attribution", "-o", str(out),
                                        "--format", "json"])
        assert generated.exit_code == 0, generated.stderr
        written = json.loads(generated.stdout)
        assert written == {"fichier": str(out), "mode": "critere_attribution",
                           "libelle_mode": "critère d'attribution (performance en matière d'insertion)",
                           "mode_demande": True, "date_droit": "2026-11-24", "version_clausier": engine.__version__,
                           "avertissements": written["avertissements"]}
        assert out.read_bytes()[:2] == b"PK"

    def test_the_text_summary_and_explain_agree(self, runner):
        """One « Mode recommandé » in each, the same one; no step recommends another mode."""
        market = str(EXAMPLES / "sans_mode_recommandation.json")
        summary = runner.invoke(cli, ["evaluate", market, "--format", "text"]).stdout
        explained = runner.invoke(cli, ["explain", market]).stdout
        recommended = [line for line in summary.splitlines() if line.startswith("Mode recommandé")]
        assert len(recommended) == 1 and recommended[0] in explained.splitlines()
        label = recommended[0].split(" : ")[1].split(".")[0]
        for line in explained.splitlines():
            for said in re.findall(r"le mode « ([^»]+) » est recommandé", line):
                assert said == label, line

    def test_no_internal_name_reaches_a_person(self, runner):
        """Parameter identifiers and block markers stay out of the text outputs."""
        for command in (["evaluate", "--format", "text"], ["explain"]):
            for example in sorted(EXAMPLES.glob("*.json")):
                out = runner.invoke(cli, [command[0], str(example), *command[1:]]).stdout
                assert not re.search(r"pratique\.\w+|bloc:|\$", out), (example.name, out)

    def test_no_internal_name_reaches_the_document(self):
        """The Word document's annex names values by their description and what rules established in words."""
        from engine.testing import docx_text

        for example in sorted(EXAMPLES.glob("*.json")):
            decision = engine.evaluate(json.loads(example.read_text(encoding="utf-8")))
            text = docx_text(engine.render(decision))
            assert not re.search(r"pratique\.\w+|bloc:|mode_admis:|recommande:", text), example.name


class TestVersionsAndSchemas:
    def test_version_everywhere(self, runner):
        """`clausier --version`, engine.__version__ and the Decision carry the same version."""
        assert runner.invoke(cli, ["--version"]).stdout.strip() == f"clausier {engine.__version__}"
        assert re.fullmatch(r"\d+\.\d+\.\d+.*", engine.__version__)
        decision = engine.evaluate(json.loads(WORKS.read_text(encoding="utf-8")))
        assert decision.clausier_version == engine.__version__ and decision.schema_version

    @pytest.mark.parametrize("args", [["schema"], ["schema", "--decision"]], ids=["marche", "decision"])
    def test_schemas_are_described_in_french_with_labels(self, runner, args):
        """$schema, $id, a French description for every field, the label of every allowed value."""
        schema = json.loads(runner.invoke(cli, args).stdout)
        assert schema["$schema"].startswith("https://json-schema.org/") and schema["$id"].startswith("urn:clausier:")
        jsonschema.Draft202012Validator.check_schema(schema)

        def walk(node, where):
            if isinstance(node, dict):
                for name, prop in node.get("properties", {}).items():
                    assert prop.get("description"), f"{where}.{name}"
                    assert not re.search(r"\b(the|of|and)\b", prop["description"]), f"{where}.{name}"
                assert "enum" not in node or all(not isinstance(v, str) for v in node["enum"]), where
                for choice in node.get("oneOf", []):
                    assert choice.get("title"), where
                for key, value in node.items():
                    walk(value, f"{where}/{key}")
            elif isinstance(node, list):
                for value in node:
                    walk(value, where)
        walk(schema, "#")
        for definition in schema.get("$defs", {}).values():
            assert definition["description"] and "the" not in definition["description"].split()

    def test_a_real_decision_and_every_example_validate_against_the_published_schemas(self, runner):
        """What clausier reads and writes is what its schemas describe."""
        market = jsonschema.Draft202012Validator(json.loads(runner.invoke(cli, ["schema"]).stdout))
        decision = jsonschema.Draft202012Validator(json.loads(runner.invoke(cli, ["schema", "--decision"]).stdout))
        for example in sorted(EXAMPLES.glob("*.json")):
            data = json.loads(example.read_text(encoding="utf-8"))
            market.validate(data)
            decision.validate(json.loads(engine.evaluate(data).model_dump_json()))
        assert not market.is_valid({"segment": "travaux", "amount": 1, "procedure": "appel_offres",
                                    "buyer_type": "mairie"})


class TestMessages:
    def test_typos_in_fields_and_values_get_a_suggestion(self, runner, tmp_path):
        """« vouliez-vous dire `amount` ? » for a misspelt field, and for a value written with its accent."""
        market = {"segment": "travaux", "amout": 5, "procedure": "appel_offres", "buyer_type": "collectivité"}
        result = runner.invoke(cli, ["validate", str(_write(tmp_path, market))])
        assert "amout : champ inconnu : il ne fait pas partie du format ; vouliez-vous dire « amount » ?" in result.stderr
        assert "(vouliez-vous dire « collectivite » ?)" in result.stderr

    def test_no_python_float_and_no_or_in_messages(self, runner, tmp_path):
        """Bounds are written as people write numbers; value lists never end with « or »."""
        market = {"segment": "travaux", "amount": 1e13, "procedure": "appel_offres", "buyer_type": "mairie"}
        err = runner.invoke(cli, ["validate", str(_write(tmp_path, market))]).stderr
        assert "1\u00a0000\u00a0000\u00a0000\u00a0000" in err and "1000000000000.0" not in err and ".0" not in err
        assert " or " not in err and "etablissement_public, entite_adjudicatrice, pouvoir_adjudicateur_prive, entreprise" in err

    def test_system_errors_are_french(self, runner, tmp_path, monkeypatch):
        """« Permission denied » becomes « droit d'écriture refusé »."""
        def denied(*args, **kwargs):
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(os, "write", denied)
        result = runner.invoke(cli, ["generate", str(WORKS), "-o", str(tmp_path / "c.docx")])
        assert result.exit_code == 3
        assert "droit d'écriture refusé" in result.stderr and "Permission" not in result.stderr
