"""What a new user starts from: `clausier examples`, `clausier batch-template`, and plans written in French."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import engine
from cli import cli
from engine.resources import examples_dir

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "examples" / "plan_achats_modele.csv"


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


class TestExamples:
    def test_writes_every_shipped_example_and_each_is_valid(self, runner, tmp_path):
        """Every example market is written, and each one evaluates; the plan template comes along."""
        result = runner.invoke(cli, ["examples", str(tmp_path / "ex")])
        assert result.exit_code == 0, result.stderr
        written = sorted(p.name for p in (tmp_path / "ex").iterdir())
        assert written == sorted(p.name for p in examples_dir().iterdir() if p.suffix in (".json", ".csv"))
        assert "travaux_condition_execution.json" in written and "plan_achats_modele.csv" in written
        for name in written:
            if name.endswith(".json"):
                data = json.loads((tmp_path / "ex" / name).read_text(encoding="utf-8"))
                assert isinstance(engine.evaluate(data), engine.Decision)

    def test_never_overwrites_without_force_and_writes_nothing_then(self, runner, tmp_path):
        """One example already there: exit 3 naming --force, and no other file written."""
        folder = tmp_path / "ex"
        folder.mkdir()
        (folder / "concession_dsp.json").write_text("mon travail", encoding="utf-8")
        result = runner.invoke(cli, ["examples", str(folder)])
        assert result.exit_code == 3 and "--force" in result.stderr
        assert [p.name for p in folder.iterdir()] == ["concession_dsp.json"]
        assert runner.invoke(cli, ["examples", str(folder), "--force"]).exit_code == 0
        assert (folder / "concession_dsp.json").read_text(encoding="utf-8") != "mon travail"

    def test_help_texts_point_to_the_examples(self, runner):
        for command in ([], ["evaluate"], ["generate"]):
            assert "clausier examples" in runner.invoke(cli, [*command, "--help"]).stdout

    def test_examples_ship_in_the_wheel(self):
        """pyproject puts examples/ in the installed package, where `examples_dir` finds it."""
        text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
        assert '"examples" = "engine/_data/examples"' in text


class TestPlanTemplate:
    def test_the_template_is_the_one_in_examples_and_uses_french_words(self, runner, tmp_path):
        """French headers, labels rather than codes, a French date; same bytes as examples/plan_achats_modele.csv."""
        plan = tmp_path / "plan.csv"
        result = runner.invoke(cli, ["batch-template", str(plan)])
        assert result.exit_code == 0, result.stderr
        assert plan.read_bytes() == TEMPLATE.read_bytes()
        row = _rows(plan)[0]
        assert row["Objet"] and row["Montant HT"] == "1 250 000" and row["Date de lancement"] == "15/03/2026"
        assert row["Type d'acheteur"] == "Collectivité territoriale" and row["Procédure"] == "appel d'offres"
        assert not any("_" in value for value in row.values()), row
        again = runner.invoke(cli, ["batch-template", str(plan)])
        assert again.exit_code == 3 and "--force" in again.stderr

    def test_the_template_runs_as_is(self, runner, tmp_path):
        """The example row gives a document named after its reference; the summary has title and reference."""
        out = tmp_path / "sortie"
        result = runner.invoke(cli, ["batch", str(TEMPLATE), "-o", str(out), "-j", "1"])
        assert result.exit_code == 0, result.stderr
        assert (out / "2026-TRX-001.docx").read_bytes()[:2] == b"PK"
        summary = _rows(out / "_resume.csv")[0]
        assert summary["reference"] == "2026-TRX-001" and summary["title"].startswith("Réhabilitation")

    def test_french_headers_and_labels_in_any_case_and_accents(self, runner, tmp_path):
        """Headers and cells as spreadsheet users write them; codes still work; dates both ways."""
        plan = tmp_path / "plan.csv"
        plan.write_text(
            "RÉFÉRENCE;objet;montant ht;Procedure;Type d’acheteur;Segment;Mode d'insertion;Date de lancement\n"
            "N-1;Nettoyage;300 000;Appel d’offres;Collectivité territoriale;Propreté et nettoyage;"
            "critère d'attribution;15/03/2026\n"
            ";Ecole;1 000 000;procedure adaptee;COLLECTIVITE;travaux;condition_execution;2026-03-15\n",
            encoding="utf-8")
        out = tmp_path / "sortie"
        result = runner.invoke(cli, ["batch", str(plan), "-o", str(out), "-j", "1", "--format", "json"])
        assert result.exit_code == 0, result.stderr
        first = json.loads((out / "N-1.json").read_text(encoding="utf-8"))["market"]
        assert first["procedure"] == "appel_offres" and first["buyer_type"] == "collectivite"
        assert first["segment"] == "proprete" and first["mode"] == "critere_attribution"
        assert first["launch_date"] == "2026-03-15"
        second = json.loads((out / "ligne-00003.json").read_text(encoding="utf-8"))["market"]
        assert second["procedure"] == "procedure_adaptee" and second["launch_date"] == "2026-03-15"
        printed = json.loads(result.stdout)
        assert printed["comptes"]["ecrit"] == 2 and printed["marches"][0]["reference"] == "N-1"

    def test_an_unknown_label_is_named_with_what_is_expected(self, runner, tmp_path):
        """A label clausier does not know is passed on: the row fails naming the field, the others go on."""
        plan = tmp_path / "plan.csv"
        plan.write_text("Objet;Montant HT;Procédure;Type d'acheteur;Segment\n"
                        "A;1000;appel d'offres;mairie;Travaux\n", encoding="utf-8")
        out = tmp_path / "sortie"
        result = runner.invoke(cli, ["batch", str(plan), "-o", str(out), "-j", "1"])
        assert result.exit_code == 1
        assert "buyer_type : valeur « mairie » invalide" in result.stderr and "ligne 2 (A)" in result.stderr

    def test_a_shared_reference_keeps_both_rows(self, runner, tmp_path):
        """Two rows with one reference: both documents are written, told apart by their line."""
        plan = tmp_path / "plan.csv"
        row = "R;1000000;appel_offres;collectivite;travaux;condition_execution;2026-11-24\n"
        plan.write_text("reference;amount;procedure;buyer_type;segment;mode;launch_date\n" + row + row,
                        encoding="utf-8")
        out = tmp_path / "sortie"
        assert runner.invoke(cli, ["batch", str(plan), "-o", str(out), "-j", "1", "--format", "json"]).exit_code == 0
        assert sorted(p.name for p in out.glob("R_*.json")) == ["R_ligne-00002.json", "R_ligne-00003.json"]
