"""`explain` and the text summary: the reasoning, in French, on both sides of the thresholds."""

from __future__ import annotations

import pytest

import engine
from engine.reasoning.explain import explain, summary
from engine.testing import plain

BASE = {"segment": "proprete", "procedure": "appel_offres", "buyer_type": "collectivite", "launch_date": "2026-09-01"}



@pytest.mark.parametrize(("amount", "side", "rule"), [
    (215_999, "est inférieure au seuil européen", "annexe2_seuil_ue_fcs_autres_non_atteint"),
    (216_000, "atteint le seuil européen", "annexe2_seuil_ue_fcs_autres_atteint"),
])
def test_explain_states_the_threshold_applied_and_its_basis(amount, side, rule):
    """Near 216 000 € HT the reasoning names the threshold value, its source and the conclusion."""
    text = plain(explain(engine.evaluate(dict(BASE, amount=amount))))
    assert "Droit applicable au 1er septembre 2026" in text
    assert "216 000 € HT" in text and "CCP, annexe 2" in text
    assert f"Conclusion : la valeur estimée {side}" in text
    assert f"(règle {rule})" in text


def test_explain_orders_facts_before_their_consequences():
    """The threshold is established before the obligation it triggers."""
    text = explain(engine.evaluate(dict(BASE, amount=300_000)))
    assert text.index("annexe2_seuil_ue_fcs_autres_atteint") < text.index("ccp_l2112_2_1_condition_sociale_obligatoire")
    assert text.index("ccp_l2112_2_1_condition_sociale_obligatoire") < text.index("ccp_l2112_2_1_obligation_sans_derogation")
    assert "Obligation : La valeur estimée du contrat" in text


def test_explain_lists_unverified_points():
    """Unverified references reach the reader as points to check."""
    text = explain(engine.evaluate({"segment": "restauration", "amount": 3_000_000, "procedure": "procedure_negociee",
                                    "buyer_type": "collectivite", "contract_type": "concession",
                                    "mode": "critere_attribution", "launch_date": "2026-09-01"}))
    assert "Points à vérifier :" in text and "POINT NON VÉRIFIÉ" in text
    assert "(point non vérifié)" in text


def test_summary_of_a_refusal_gives_the_reason():
    """The summary says the mode is not allowed and why."""
    text = summary(engine.evaluate(dict(BASE, amount=20_000, procedure="sans_publicite", mode="critere_attribution")))
    assert "NON ADMIS" in text and "pas d'offres à comparer" in text


def test_every_fact_a_step_establishes_is_stated_in_its_conclusion():
    """A fact label starting with « une » (« une condition d'exécution sociale est obligatoire ») is stated too."""
    text = explain(engine.evaluate(dict(BASE, amount=300_000)))
    end = text.index("(règle ccp_l2112_2_1_condition_sociale_obligatoire)")
    step = text[text.rindex("(règle ", 0, end):end]
    assert "Conclusion : une condition d'exécution sociale est obligatoire." in step
