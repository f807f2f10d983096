"""engine.assess (the audit's lean path) agrees with engine.evaluate on facts, thresholds and hours."""

import datetime as dt
import sys

import pytest

import engine
from tests._audit import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from _common import markets  # noqa: E402 - the benches' reproducible mix of markets


def _asserted(decision) -> set[str]:
    """Facts (rulesets/vocabulaire.yaml `faits`) asserted on the whole market; not blocks, modes or statements."""
    return {f for step in decision.trace if step.scope == "marché" for f in step.asserted
            if ":" not in f and f not in {"obligation", "avertissement", "recommandation", "refus"}}


def test_assess_agrees_with_evaluate():
    checked = 0
    for m in markets(300, seed=14):
        m.pop("lots", None)
        m["mode"] = "condition_execution"
        try:
            d = engine.evaluate(m)
        except (engine.NoApplicableVersion, engine.InputError):
            continue
        a = engine.assess(m)
        assert a.launch_date == d.launch_date and a.segment == d.segment and a.public == d.public
        assert a.hours == (d.hours.value if d.hours else None)
        assert _asserted(d) == a.facts
        checked += 1
    assert checked > 200


def test_thresholds_compared_are_reported():
    a = engine.assess({"cpv": "45210000", "amount": 6e6, "procedure": "appel_offres", "buyer_type": "collectivite",
                       "launch_date": "2026-09-01"})
    assert a.established_by["au_dessus_seuil_ue"] == {"seuils_ue.travaux": 5404000}
    assert "clause_sociale_obligatoire" in a.facts


def test_segment_and_parameter():
    assert engine.segment_for_cpv("90910000-9") == "proprete"
    value, nature, verified = engine.parameter("pratique.delai_lancement_notification.appel_offres",
                                               dt.date(2025, 1, 1))
    assert (value, nature, verified) == (4, "pratique", False)
    with pytest.raises(engine.NoApplicableVersion):
        engine.parameter("seuils_ue.travaux", dt.date(2019, 1, 1))
