"""`clausier batch`: the three input kinds, French CSV conventions, bad markets, reruns and parallel runs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from engine import batch
from engine.batch import csv_market, safe_name

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
GOOD = {"segment": "travaux", "amount": 6_200_000, "procedure": "appel_offres", "buyer_type": "collectivite",
        "mode": "condition_execution", "launch_date": "2026-11-24", "title": "Groupe scolaire"}
SERVICES = {"segment": "proprete", "amount": 900_000, "procedure": "appel_offres", "buyer_type": "etat",
            "mode": "critere_attribution", "launch_date": "2026-09-01"}
NOT_ALLOWED = {"segment": "travaux", "amount": 300000, "procedure": "procedure_adaptee", "buyer_type": "collectivite",
               "reserved_for": "ess", "mode": "condition_execution", "launch_date": "2026-06-01"}
INVALID = {"segment": "travaux", "amount": -5, "procedure": "appel_offres", "buyer_type": "mairie"}


def _folder(tmp_path: Path, markets: dict[str, object]) -> Path:
    folder = tmp_path / "plan"
    folder.mkdir()
    for name, market in markets.items():
        text = market if isinstance(market, str) else json.dumps(market, ensure_ascii=False)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _summary(outdir: Path) -> dict[str, dict]:
    data = json.loads((outdir / "_resume.json").read_text(encoding="utf-8"))
    return {row["source"]: row for row in data["markets"]}


def _csv_summary(outdir: Path) -> list[dict]:
    with open(outdir / "_resume.csv", encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


class TestInputs:
    def test_a_folder_of_json_files_gives_one_document_each_and_a_summary(self, runner, tmp_path):
        """Each .json of the folder becomes <name>.docx; the summary has one row per market."""
        folder = _folder(tmp_path, {"ecole.json": GOOD, "menage.json": SERVICES})
        out = tmp_path / "out"
        result = runner.invoke(cli, ["batch", str(folder), "-o", str(out), "--jobs", "1"])
        assert result.exit_code == 0, result.stderr
        assert (out / "ecole.docx").read_bytes()[:2] == b"PK" and (out / "menage.docx").exists()
        rows = _summary(out)
        assert rows["ecole.json"] == {
            "source": "ecole.json", "reference": None, "title": "Groupe scolaire", "status": "ecrit",
            "mode": "condition_execution", "mode_libelle": "condition d'exécution (clause d'insertion)", "allowed": True,
            "hours": rows["ecole.json"]["hours"], "obligations": rows["ecole.json"]["obligations"],
            "output": "ecole.docx", "error": None,
        }
        assert rows["ecole.json"]["hours"] > 0 and rows["ecole.json"]["obligations"]
        assert [r["source"] for r in _csv_summary(out)] == ["ecole.json", "menage.json"]
        assert "2 marché(s) : 2 écrit(s)" in result.stdout

    def test_json_lines_are_identified_by_line_number(self, runner, tmp_path):
        """Blank lines are skipped; each market is named after its line; --format json writes decisions."""
        source = tmp_path / "plan.jsonl"
        source.write_text(json.dumps(GOOD) + "\n\n" + json.dumps(SERVICES) + "\n", encoding="utf-8")
        out = tmp_path / "out"
        result = runner.invoke(cli, ["batch", str(source), "-o", str(out), "--format", "json", "-j", "1"])
        assert result.exit_code == 0, result.stderr
        assert set(_summary(out)) == {"ligne 1", "ligne 3"}
        decision = json.loads((out / "ligne-00003.json").read_text(encoding="utf-8"))
        assert decision["mode"] == "critere_attribution" and decision["market"]["segment"] == "proprete"

    def test_a_french_csv_export_is_read_with_its_conventions(self, runner, tmp_path):
        """« ; », BOM, decimal comma, spaces as thousands, « % », JJ/MM/AAAA and a CPV that lost its zero."""
        source = tmp_path / "plan.csv"
        source.write_text(
            "title;segment;cpv;amount;procedure;buyer_type;mode;launch_date;insertion.rate;weights.insertion\n"
            "Travaux école;travaux;;1\u00a0250\u00a0000,50 €;appel_offres;collectivite;condition_execution;"
            "24/11/2026;7 %;\n"
            ";;;;;;;;;\n"
            "Semences;;3000000;95 000;procedure_adaptee;collectivite;critere_attribution;2026-09-01;;20 %\n",
            encoding="utf-8-sig",
        )
        out = tmp_path / "out"
        result = runner.invoke(cli, ["batch", str(source), "-o", str(out), "--format", "json", "-j", "1"])
        assert result.exit_code == 0, result.stderr
        first = json.loads((out / "ligne-00002.json").read_text(encoding="utf-8"))["market"]
        assert first["amount"] == 1_250_000.5 and first["launch_date"] == "2026-11-24"
        assert first["insertion"] == {"rate": 0.07} and first["title"] == "Travaux école"
        rows = _summary(out)
        assert set(rows) == {"ligne 2", "ligne 4"}  # the empty row 3 is skipped
        second = json.loads((out / "ligne-00004.json").read_text(encoding="utf-8"))["market"]
        assert second["cpv"] == "03000000" and second["amount"] == 95_000 and second["weights"] == {"insertion": 20}

    def test_a_windows_1252_csv_with_commas_is_read_too(self, runner, tmp_path):
        """Excel's non-UTF-8 export and a comma separator are recognised."""
        source = tmp_path / "plan.csv"
        source.write_bytes("title,segment,amount,procedure,buyer_type,mode,launch_date\n"
                           "Propreté,proprete,900000,appel_offres,etat,critere_attribution,2026-09-01\n"
                           .encode("cp1252"))
        out = tmp_path / "out"
        result = runner.invoke(cli, ["batch", str(source), "-o", str(out), "--format", "json", "-j", "1"])
        assert result.exit_code == 0, result.stderr
        market = json.loads((out / "ligne-00002.json").read_text(encoding="utf-8"))["market"]
        assert market["title"] == "Propreté"

    def test_an_unknown_csv_column_is_an_input_error(self, runner, tmp_path):
        """A misspelt header stops the batch before anything runs (exit 2) and lists the columns."""
        source = tmp_path / "plan.csv"
        source.write_text("segment;montant\ntravaux;100\n", encoding="utf-8")
        result = runner.invoke(cli, ["batch", str(source), "-o", str(tmp_path / "out")])
        assert result.exit_code == 2
        assert "colonne inconnue « montant »" in result.stderr and "amount" in result.stderr

    def test_an_unknown_input_kind_is_refused(self, runner, tmp_path):
        """Only a folder, .jsonl or .csv are accepted."""
        source = tmp_path / "plan.xlsx"
        source.write_bytes(b"PK")
        result = runner.invoke(cli, ["batch", str(source), "-o", str(tmp_path / "out")])
        assert result.exit_code == 2 and "entrée non reconnue" in result.stderr


class TestFailures:
    def test_bad_markets_are_reported_and_good_ones_written(self, runner, tmp_path):
        """Malformed JSON, an invalid field and a mode not allowed fail alone; exit 1 names them."""
        folder = _folder(tmp_path, {"a_bon.json": GOOD, "b_casse.json": "{pas du json",
                                    "c_invalide.json": INVALID, "d_refuse.json": NOT_ALLOWED})
        out = tmp_path / "out"
        result = runner.invoke(cli, ["batch", str(folder), "-o", str(out), "-j", "2"])
        assert result.exit_code == 1
        rows = _summary(out)
        assert rows["a_bon.json"]["status"] == "ecrit" and (out / "a_bon.docx").exists()
        assert rows["b_casse.json"]["status"] == "erreur" and "JSON mal formé" in rows["b_casse.json"]["error"]
        assert rows["c_invalide.json"]["status"] == "erreur"
        assert "amount" in rows["c_invalide.json"]["error"] and "buyer_type" in rows["c_invalide.json"]["error"]
        assert rows["d_refuse.json"]["status"] == "refuse" and rows["d_refuse.json"]["allowed"] is False
        assert "n'est pas admis" in rows["d_refuse.json"]["error"]
        assert not any((out / f"{n}.docx").exists() for n in ("b_casse", "c_invalide", "d_refuse"))
        assert "3 marché(s) sans document" in result.stderr and "- b_casse.json : " in result.stderr

    def test_a_bad_json_line_does_not_stop_the_others(self, runner, tmp_path):
        """Line numbers identify the failing markets of a JSON Lines file."""
        source = tmp_path / "plan.jsonl"
        source.write_text(json.dumps(GOOD) + "\n[1, 2]\n" + json.dumps(SERVICES) + "\n", encoding="utf-8")
        out = tmp_path / "out"
        result = runner.invoke(cli, ["batch", str(source), "-o", str(out), "-j", "1", "--format", "json"])
        assert result.exit_code == 1
        rows = _summary(out)
        assert [rows[k]["status"] for k in ("ligne 1", "ligne 2", "ligne 3")] == ["ecrit", "erreur", "ecrit"]
        assert "un objet JSON" in rows["ligne 2"]["error"]


class TestReruns:
    def test_a_rerun_skips_finished_markets_and_retries_failed_ones(self, runner, tmp_path):
        """Written files are kept as they are; --force rewrites them."""
        folder = _folder(tmp_path, {"ecole.json": GOOD, "casse.json": INVALID})
        out = tmp_path / "out"
        runner.invoke(cli, ["batch", str(folder), "-o", str(out), "-j", "1"])
        written = out / "ecole.docx"
        written.write_bytes(b"kept")  # a rerun must not touch it
        second = runner.invoke(cli, ["batch", str(folder), "-o", str(out), "-j", "1"])
        assert second.exit_code == 1
        rows = _summary(out)
        assert rows["ecole.json"]["status"] == "deja_fait" and written.read_bytes() == b"kept"
        assert rows["casse.json"]["status"] == "erreur"
        (folder / "casse.json").write_text(json.dumps(SERVICES), encoding="utf-8")
        third = runner.invoke(cli, ["batch", str(folder), "-o", str(out), "-j", "1", "--force"])
        assert third.exit_code == 0, third.stderr
        assert written.read_bytes()[:2] == b"PK" and _summary(out)["casse.json"]["status"] == "ecrit"


@pytest.mark.slow
class TestParallel:
    def test_one_and_two_jobs_give_identical_documents(self, runner, tmp_path):
        """Documents depend only on their market: --jobs 1 and --jobs 2 write the same bytes."""
        names = ["travaux_condition_execution.json", "services_critere_attribution.json",
                 "reserve_siae_lots.json", "sans_mode_recommandation.json", "prive_contrat_fournisseur.json"]
        folder = _folder(tmp_path, {n: (EXAMPLES / n).read_text(encoding="utf-8") for n in names})
        one, two = tmp_path / "one", tmp_path / "two"
        assert runner.invoke(cli, ["batch", str(folder), "-o", str(one), "--jobs", "1"]).exit_code == 0
        assert runner.invoke(cli, ["batch", str(folder), "-o", str(two), "--jobs", "2"]).exit_code == 0
        for name in names:
            stem = name.removesuffix(".json")
            assert (one / f"{stem}.docx").read_bytes() == (two / f"{stem}.docx").read_bytes(), stem
        assert _csv_summary(one) == _csv_summary(two)


class TestNames:
    @pytest.mark.parametrize("given, expected", [
        ("../../x", "x"), ("/etc/passwd", "etc_passwd"), ("..", "marche"), (".cache", "cache"),
        ("École maternelle (lot 2)", "Ecole_maternelle_lot_2"), ("_resume", "resume"), ("CON", "marche-CON"),
        ("a\\b", "a_b"),
    ])
    def test_output_names_cannot_leave_the_output_folder(self, given, expected):
        """Separators, dots, accents and reserved names are neutralised; names never start with « _ »."""
        assert safe_name(given) == expected

    def test_colliding_names_are_refused_in_input_order(self, runner, tmp_path):
        """« a b.json » and « a_b.json » would share a file: the second one is refused, the first written."""
        folder = _folder(tmp_path, {"a b.json": GOOD, "a_b.json": SERVICES})
        out = tmp_path / "out"
        result = runner.invoke(cli, ["batch", str(folder), "-o", str(out), "-j", "1", "--format", "json"])
        assert result.exit_code == 1
        rows = _summary(out)
        assert rows["a b.json"]["status"] == "ecrit" and rows["a b.json"]["output"] == "a_b.json"
        assert rows["a_b.json"]["status"] == "erreur" and "déjà pris par « a b.json »" in rows["a_b.json"]["error"]
        assert sorted(p.name for p in out.iterdir()) == ["_resume.csv", "_resume.json", "a_b.json"]

    def test_the_output_folder_cannot_be_the_input_folder(self, runner, tmp_path):
        """Outputs would be read back as markets on the next run."""
        folder = _folder(tmp_path, {"ecole.json": GOOD})
        result = runner.invoke(cli, ["batch", str(folder), "-o", str(folder)])
        assert result.exit_code == 2 and "distinct" in result.stderr


class TestCsvCells:
    @pytest.mark.parametrize("cell, expected", [
        ("1 250 000,50", 1_250_000.5), ("1.250.000", 1_250_000.0), ("95000", 95_000.0), ("12,5 €", 12.5),
        ("1\u202f000", 1000.0), ("beaucoup", "beaucoup"),
    ])
    def test_amounts_follow_french_conventions(self, cell, expected):
        """Decimal comma and thousands separators are read; anything else is left for validation to name."""
        assert csv_market({"amount": cell}) == {"amount": expected}

    def test_rates_weights_integers_and_dates(self):
        """« 5 % » is 0.05 as a rate and 5 as a weight; whole months become integers; JJ/MM/AAAA becomes ISO."""
        market = csv_market({"insertion.rate": "5 %", "insertion.labour_share": "0,4", "weights.price": "60 %",
                             "duration_months": "24", "insertion.hours": "1 200", "launch_date": "01/02/2026",
                             "mode": " condition_execution ", "reserved_for": ""})
        assert market == {"insertion": {"rate": 0.05, "labour_share": 0.4, "hours": 1200},
                          "weights": {"price": 60.0}, "duration_months": 24, "launch_date": "2026-02-01",
                          "mode": "condition_execution"}

    def test_every_csv_column_is_a_market_field(self):
        """The documented columns are exactly the fields a row may fill (lots need JSON)."""
        from engine.market.model import Market

        top = {c.split(".")[0] for c in batch.CSV_COLUMNS}
        assert top == set(Market.model_fields) - {"lots"}


@pytest.mark.slow
class TestInterruption:
    def test_ctrl_c_stops_the_batch_promptly_and_a_rerun_finishes_it(self, tmp_path):
        """Markets not started are dropped, no partial file is left, and the rerun writes only what is missing."""
        import signal
        import subprocess
        import sys
        import time

        root = Path(__file__).resolve().parent.parent
        plan = tmp_path / "plan.jsonl"
        plan.write_text((json.dumps(GOOD) + "\n") * 60, encoding="utf-8")
        out = tmp_path / "out"
        cmd = [sys.executable, "-c", "import cli; cli.main()", "batch", str(plan), "-o", str(out), "-j", "2", "-q"]
        proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.monotonic() + 60
        while not (out.is_dir() and any(p.suffix == ".docx" for p in out.iterdir())) and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130 and "Interrompu" in err.decode()
        written = {p.name for p in out.iterdir()}
        assert 0 < len(written) < 60 and not any(n.endswith(".part") for n in written)
        rerun = CliRunner().invoke(cli, ["batch", str(plan), "-o", str(out), "-j", "2"])
        assert rerun.exit_code == 0, rerun.stderr
        statuses = [r["status"] for r in _summary(out).values()]
        assert statuses.count("deja_fait") == len(written) and statuses.count("ecrit") == 60 - len(written)


def test_a_library_batch_leaves_the_callers_garbage_collector_alone(tmp_path, monkeypatch):
    """batch.run freezes the heap only when asked (the CLI owns its process; a library caller does not)."""
    import gc

    calls = []
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
    plan = tmp_path / "plan.jsonl"
    plan.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    items = batch.read_input(plan)
    batch.run(items, tmp_path / "a", batch.Options(fmt="json"), jobs=1)
    assert calls == []
    batch.run(items, tmp_path / "b", batch.Options(fmt="json", freeze_heap=True), jobs=1)
    assert calls == ["freeze", "unfreeze"]
