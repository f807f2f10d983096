"""Verdicts on hand-written DECP records: each verdict on both sides of 21 Aug 2026 and of each threshold."""

import datetime as dt
import json
import os
import shutil

import pytest

import engine
from engine.audit import audit, runner
from tests._audit import ALL_FIXTURES, FIXTURES, TODAY, rows, shared_samples


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit")
    data = audit(ALL_FIXTURES, out, jobs=1, buyers=FIXTURES / "acheteurs.csv", today=TODAY)
    return data, rows(out)


@pytest.mark.parametrize("ident, verdict, seuil, motif", [
    ("W-CLAUSE", "conforme", "5404000", "clause sociale publiée"),
    ("W-SANS", "non_conforme_ou_derogation_non_publiee", "5404000", "Pas de considération sociale"),
    ("W-AVANT", "non_soumis", "5404000", "pas d'obligation à cette date"),  # launched 2026-06-01
    ("W-SOUS", "non_soumis", "5404000", "sous le seuil"),
    ("S-SEUIL", "non_conforme_ou_derogation_non_publiee", "216000", "Pas de considération"),  # exactly at it
    ("S-SOUS", "non_soumis", "216000", "sous le seuil"),  # one euro below
    ("S-ZERO", "indetermine", "", "montant nul ou symbolique"),
    ("S-SANSCPV", "indetermine", "", "code CPV absent"),
    ("S-VIDE", "indetermine", "216000", "publiées vides"),
    ("S-CRITERE", "non_conforme_ou_derogation_non_publiee", "216000", "critère social"),
    ("S-RESERVE", "indetermine", "216000", "marché réservé"),
    ("ETAT-150K", "non_conforme_ou_derogation_non_publiee", "140000", "Pas de considération"),  # BUYERS.csv: etat
    ("W-LOT2", "indetermine", "5404000", "lot publié seul"),
    ("W-TZ", "conforme", "5404000", "clause sociale"),
    ("DSP-2027", "conforme", "5404000", "clause sociale"),  # concession: valeurGlobale as a string
    ("20190001", "indetermine", "", "non couvert par les règles"),  # launched 2018: law not in the rulesets
    ("CSV-AC", "non_conforme_ou_derogation_non_publiee", "5404000", "Pas de considération"),
    ("CSV-MQ", "indetermine", "", "montant absent"),
    ("T-1", "indetermine", "5404000", "non publiées"),  # tabular extract: no social field
    ("T-2", "non_soumis", "5404000", "sous le seuil"),
    ("S-ENORME", "indetermine", "", "montant invraisemblable (5e+12 €)"),  # 5 000 billion €: a typing error
    ("W-BDC", "conforme", "5404000", "clause sociale"),
])
def test_verdicts(result, ident, verdict, seuil, motif):
    row = result[1][ident]
    assert (row["verdict"], row["seuil"]) == (verdict, seuil)
    assert motif in row["motif"]


def test_flags(result):
    r = result[1]
    on = lambda ident: {f for f in ("cpv_invalide", "montant_fictif", "doublon", "modifie", "date_reparee",  # noqa: E731
                                    "accord_cadre_maximum", "marche_subsequent", "lot") if r[ident][f] == "oui"}
    assert on("W-CLAUSE") == {"doublon"} and on("T-1") == {"doublon"}
    assert on("S-CPVFAUX") == {"cpv_invalide"} and on("W-TZ") == {"date_reparee"}
    assert on("S-ZERO") == {"montant_fictif"} and on("CSV-MQ") == {"montant_fictif"}
    assert on("20190002") == {"modifie", "date_reparee", "marche_subsequent"}
    assert on("CSV-AC") == {"accord_cadre_maximum"} and on("W-LOT2") == {"lot"}
    assert on("W-BDC") == {"accord_cadre_maximum"}  # executed by purchase orders
    assert on("S-ENORME") == {"montant_fictif"}


def test_implausible_amounts_are_not_summed(result):
    data, by_id = result
    summed = sum(cell["montant"] for cell in data["par_verdict"].values())
    expected = sum(float(r["montant"]) for r in by_id.values() if r["montant"] and r["montant_fictif"] != "oui")
    assert summed == pytest.approx(expected) and summed < 1e9


def test_hours_and_law_date(result):
    r = result[1]["W-CLAUSE"]
    assert int(r["heures_theoriques"]) > 0
    assert r["date_droit_applique"] == "2026-09-15" and "4 mois" in r["date_droit_source"]
    assert result[1]["DSP-2027"]["date_droit_applique"] == "2026-10-01"  # concession: 12 months


def test_counts(result):
    data, by_id = result
    e = data["enregistrements"]
    assert e == {"lus": 29, "illisibles": 3, "doublons_ecartes": 4, "contrats_distincts": 25,
                 "processus_interrompus": 0}
    assert len(by_id) == 25
    assert sum(c["contrats"] for c in data["par_verdict"].values()) == 25
    assert data["drapeaux"]["doublon"] == 3  # W-CLAUSE, W-SANS, T-1


def test_without_buyers_file_state_threshold_is_not_guessed(tmp_path):
    audit([FIXTURES / "decp-2022-cas.json"], tmp_path, jobs=1, today=TODAY)
    row = rows(tmp_path)["ETAT-150K"]
    assert (row["verdict"], row["type_acheteur_source"]) == ("non_soumis", "siren")


def test_date_option_applies_one_law_to_all(tmp_path):
    audit([FIXTURES / "decp-2022-cas.json", FIXTURES / "decp-2019-cas.json"], tmp_path, jobs=1, today=TODAY,
          on=dt.date(2026, 11, 29))
    r = rows(tmp_path)
    assert r["W-AVANT"]["verdict"] == "non_conforme_ou_derogation_non_publiee"
    assert r["20190001"]["verdict"] == "indetermine" and "non publiées" in r["20190001"]["motif"]
    assert r["20190002"]["verdict"] == "indetermine" and "subséquent" in r["20190002"]["motif"]
    audit([FIXTURES / "decp-2022-cas.json"], tmp_path, jobs=1, today=TODAY, on=dt.date(2026, 8, 20), force=True)
    assert rows(tmp_path)["W-SANS"]["verdict"] == "non_soumis"


def test_two_processes_give_the_same_rows(tmp_path):
    audit(ALL_FIXTURES, tmp_path / "a", jobs=1, today=TODAY)
    audit(ALL_FIXTURES, tmp_path / "b", jobs=2, today=TODAY)
    assert (tmp_path / "a" / "contrats.csv").read_bytes() == (tmp_path / "b" / "contrats.csv").read_bytes()
    a = json.loads((tmp_path / "a" / "synthese.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "b" / "synthese.json").read_text(encoding="utf-8"))
    a["options"].pop("jobs"), b["options"].pop("jobs")
    a["options"].pop("fichiers"), b["options"].pop("fichiers")
    assert a == b


def test_practice_lag_is_a_ruleset_parameter(tmp_path):
    copy = tmp_path / "regles"
    shutil.copytree(engine.rulesets_dir(), copy)
    lag = copy / "parameters" / "pratique" / "delai_lancement_notification" / "appel_offres.yaml"
    lag.write_text(lag.read_text(encoding="utf-8").replace("value: 4,", "value: 6,"), encoding="utf-8")
    audit([FIXTURES / "decp-2022-cas.json"], tmp_path / "out", jobs=1, today=TODAY, rulesets=copy)
    row = rows(tmp_path / "out")["W-SANS"]  # notified 2027-01-15: launched 2026-07-15, before the obligation
    assert (row["verdict"], row["date_droit_applique"]) == ("non_soumis", "2026-07-15")
    assert "6 mois" in row["date_droit_source"]


_PARENT = os.getpid()


def _dying(batch):
    """A worker killed in the middle of a batch (module level: the pool pickles it by name)."""
    if os.getpid() != _PARENT:
        os._exit(9)
    return runner.real_process(batch)


def test_a_dead_worker_does_not_hang_or_lose_rows(tmp_path, monkeypatch):
    audit(ALL_FIXTURES, tmp_path / "a", jobs=1, today=TODAY)
    monkeypatch.setattr(runner, "real_process", runner._process, raising=False)
    monkeypatch.setattr(runner, "_process", _dying)
    monkeypatch.setattr(runner, "BATCH", 4)
    data = audit(ALL_FIXTURES, tmp_path / "b", jobs=2, today=TODAY)
    assert data["enregistrements"]["processus_interrompus"] == 1
    assert (tmp_path / "a" / "contrats.csv").read_bytes() == (tmp_path / "b" / "contrats.csv").read_bytes()


def test_shared_samples(tmp_path):
    decp = shared_samples()
    files = sorted(decp.glob("decp-*")) + sorted((decp / "examples-v2").glob("*.json"))
    data = audit(files, tmp_path, today=TODAY, on=TODAY)
    e = data["enregistrements"]
    assert e["illisibles"] == 0 and e["lus"] == 418
    assert e["doublons_ecartes"] >= 14  # the tabular extract repeats contracts per holder, feeds overlap
    formats = {f["format"] for f in data["fichiers"].values()}
    assert formats == {"json_2019", "json_2022", "csv_tabulaire", "csv_augmente"}
    assert data["fichiers"]["decp-tabular-sample.csv"]["doublons"] == 14  # one row per (contract, holder)
    assert data["par_verdict"]["conforme"]["contrats"] >= 1  # « Clause sociale » records of the 2022 sample
    r = rows(tmp_path)
    assert r["2024FCS05_1"]["verdict"] == "non_conforme_ou_derogation_non_publiee"  # augmented CSV, 380 k€ services
