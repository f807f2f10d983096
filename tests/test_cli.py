"""The `clausier` command line, through click's CliRunner on the real `cli` object."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli import cli
from engine.testing import docx_text

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
WORKS = EXAMPLES / "travaux_condition_execution.json"
NOT_ALLOWED = {"segment": "travaux", "amount": 300000, "procedure": "procedure_adaptee", "buyer_type": "collectivite",
               "reserved_for": "ess", "mode": "condition_execution", "launch_date": "2026-06-01"}
BAD = {"segment": "travaux", "amount": -5, "procedure": "appel_offres", "buyer_type": "mairie"}


def _write(tmp_path: Path, data, name="marche.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


class TestEvaluate:
    def test_json_decision(self, runner):
        """The decision is printed as JSON with its date, mode, hours and trace."""
        result = runner.invoke(cli, ["evaluate", str(WORKS)])
        assert result.exit_code == 0, result.stderr
        data = json.loads(result.stdout)
        assert data["launch_date"] == "2026-11-24"
        assert data["allowed"] is True and data["hours"]["value"] == 4650
        assert data["trace"][0]["rule"]

    def test_text_summary(self, runner):
        """The text format states the date and the obligations in French."""
        result = runner.invoke(cli, ["evaluate", str(WORKS), "--format", "text"])
        assert result.exit_code == 0
        assert "Droit applicable au 24 novembre 2026" in result.stdout
        assert "Obligations :" in result.stdout

    def test_not_allowed_still_exits_zero(self, runner, tmp_path):
        """evaluate reports a refusal as data, not as an error."""
        result = runner.invoke(cli, ["evaluate", str(_write(tmp_path, NOT_ALLOWED))])
        assert result.exit_code == 0
        assert json.loads(result.stdout)["allowed"] is False

    def test_stdin(self, runner):
        """MARCHE may be '-' for standard input."""
        result = runner.invoke(cli, ["evaluate", "-"], input=WORKS.read_text(encoding="utf-8"))
        assert result.exit_code == 0
        assert json.loads(result.stdout)["mode"] == "condition_execution"

    def test_date_option(self, runner, tmp_path):
        """--date applies when the market has no launch_date."""
        market = json.loads(WORKS.read_text(encoding="utf-8"))
        del market["launch_date"]
        result = runner.invoke(cli, ["evaluate", str(_write(tmp_path, market)), "--date", "2026-08-20"])
        assert json.loads(result.stdout)["launch_date"] == "2026-08-20"


class TestInvalidInput:
    @pytest.mark.parametrize("command", [["evaluate"], ["generate"], ["explain"], ["validate"]])
    def test_every_command_exits_2_naming_the_fields(self, runner, tmp_path, command):
        """Invalid input: exit 2, French message on stderr naming each bad field."""
        path = _write(tmp_path, BAD)
        result = runner.invoke(cli, [*command, str(path)])
        assert result.exit_code == 2
        assert "amount" in result.stderr and "buyer_type" in result.stderr
        assert "strictement supérieur à 0" in result.stderr
        assert "valeurs possibles" in result.stderr
        assert "Traceback" not in result.stderr and result.stdout == ""
        assert not (tmp_path / "marche.docx").exists()

    def test_json_errors_are_machine_readable(self, runner, tmp_path):
        """With --format json the error is a JSON object listing field and message."""
        result = runner.invoke(cli, ["evaluate", str(_write(tmp_path, BAD)), "--format", "json"])
        assert result.exit_code == 2
        payload = json.loads(result.stderr)
        assert {p["champ"] for p in payload["problemes"]} >= {"amount", "buyer_type"}

    def test_missing_file(self, runner, tmp_path):
        """A missing file is a file problem (exit 3)."""
        result = runner.invoke(cli, ["evaluate", str(tmp_path / "absent.json")])
        assert result.exit_code == 3
        assert "introuvable" in result.stderr

    def test_uncovered_date_names_launch_date(self, runner, tmp_path):
        """A launch date outside the covered period is refused as input, naming launch_date."""
        market = dict(json.loads(WORKS.read_text(encoding="utf-8")), launch_date="2030-01-01")
        result = runner.invoke(cli, ["evaluate", str(_write(tmp_path, market))])
        assert result.exit_code == 2
        assert "launch_date" in result.stderr


class TestGenerate:
    def test_writes_the_document(self, runner, tmp_path):
        """generate writes a .docx whose text carries the figures and the legal basis."""
        out = tmp_path / "clause.docx"
        result = runner.invoke(cli, ["generate", str(WORKS), "-o", str(out)])
        assert result.exit_code == 0, result.stderr
        text = docx_text(out.read_bytes())
        assert "4 650 heures" in text.replace("\u00a0", " ")
        assert "L2112-2-1" in text

    def test_refuses_to_overwrite_without_force(self, runner, tmp_path):
        """An existing file is kept unless --force."""
        out = tmp_path / "clause.docx"
        out.write_bytes(b"previous work")
        result = runner.invoke(cli, ["generate", str(WORKS), "-o", str(out)])
        assert result.exit_code == 3
        assert "--force" in result.stderr
        assert out.read_bytes() == b"previous work"
        forced = runner.invoke(cli, ["generate", str(WORKS), "-o", str(out), "--force"])
        assert forced.exit_code == 0
        assert out.read_bytes()[:2] == b"PK"

    def test_not_allowed_exits_1_with_reasons_and_eligible_modes(self, runner, tmp_path):
        """A refused mode: exit 1, the reasons and the eligible modes, and no file."""
        out = tmp_path / "clause.docx"
        result = runner.invoke(cli, ["generate", str(_write(tmp_path, NOT_ALLOWED)), "-o", str(out)])
        assert result.exit_code == 1
        assert "n'est pas admis" in result.stderr
        assert "modes admis" in result.stderr
        assert not out.exists()

    def test_default_output_name(self, runner, tmp_path, monkeypatch):
        """Without -o the document is named after the market file, in the current folder."""
        market = _write(tmp_path, json.loads(WORKS.read_text(encoding="utf-8")), "chantier.json")
        work = tmp_path / "work"
        work.mkdir()
        monkeypatch.chdir(work)
        result = runner.invoke(cli, ["generate", str(market)])
        assert result.exit_code == 0, result.stderr
        assert (work / "chantier.docx").exists()


class TestOtherCommands:
    def test_explain_reads_like_reasoning(self, runner):
        """explain lists each rule with its basis and the values applied."""
        result = runner.invoke(cli, ["explain", str(WORKS)])
        assert result.exit_code == 0
        out = result.stdout.replace("\u00a0", " ")
        assert "Raisonnement :" in out and "Fondement : CCP, art. L2112-2-1" in out
        assert "5 404 000 € HT" in out

    def test_validate(self, runner):
        """validate accepts a valid market."""
        result = runner.invoke(cli, ["validate", str(WORKS)])
        assert result.exit_code == 0 and "valide" in result.stdout

    def test_schema_is_json_schema(self, runner):
        """schema prints the JSON Schema of the input contract."""
        schema = json.loads(runner.invoke(cli, ["schema"]).stdout)
        assert schema["additionalProperties"] is False
        assert {"amount", "procedure", "buyer_type"} <= set(schema["required"])

    def test_rules_list_and_check(self, runner):
        """rules list shows rules with references; rules check passes on the shipped rulesets."""
        listed = runner.invoke(cli, ["rules", "list", "--date", "2026-09-01"])
        assert listed.exit_code == 0 and "ccp_l2112_2_1_condition_sociale_obligatoire" in listed.stdout
        before = runner.invoke(cli, ["rules", "list", "--date", "2026-08-20"])
        assert "ccp_l2112_2_1_condition_sociale_obligatoire" not in before.stdout
        checked = runner.invoke(cli, ["rules", "check"])
        assert checked.exit_code == 0, checked.stderr
