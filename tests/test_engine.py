"""The engine: forward chaining really runs on durable-rules, and evaluations are isolated."""

from __future__ import annotations

import datetime as dt

import durable.engine
import pytest

import engine
from engine.law.knowledge import knowledge
from engine.reasoning.durable_door import RuleHost

ABOVE = {"segment": "travaux", "amount": 6_000_000, "procedure": "appel_offres", "buyer_type": "collectivite",
         "mode": "condition_execution", "launch_date": "2026-09-01"}
BELOW = dict(ABOVE, amount=300_000, procedure="procedure_adaptee")


class TestChaining:
    def test_a_derived_fact_asserted_in_an_action_triggers_the_next_rule(self):
        """Three hand-made rules chain a -> b -> c through facts asserted inside durable actions."""
        host = RuleHost()
        definition = {
            "r0": {"all": [{"m": {"$and": [{"t": "marche"}, {"$gte": {"amount": 10}}]}}],
                   "run": host.action(0, ("a",))},
            "r1": {"all": [{"m": {"t": "marche"}}, {"f0": {"$and": [{"t": "fait"}, {"nom": "a"}]}}],
                   "run": host.action(1, ("b",))},
            "r2": {"all": [{"m": {"t": "marche"}}, {"f0": {"$and": [{"t": "fait"}, {"nom": "b"}]}}],
                   "run": host.action(2, ())},
        }
        host.ensure("chain_test", lambda: definition)
        try:
            assert host.run("chain_test", {"t": "marche", "amount": 20}) == [0, 1, 2]
            assert host.run("chain_test", {"t": "marche", "amount": 5}) == []
        finally:
            host.close()

    def test_the_obligation_fires_only_through_facts_asserted_on_durable(self, monkeypatch):
        """The mandatory-condition rule matches a fact that only a durable action can assert."""
        asserted = []
        original = durable.engine.Closure.assert_fact

        def spy(self, *args):
            asserted.append(args[-1])
            return original(self, *args)

        monkeypatch.setattr(durable.engine.Closure, "assert_fact", spy)
        decision = engine.evaluate(ABOVE)
        fired = [s.rule for s in decision.trace]
        names = [f["nom"] for f in asserted]
        assert "au_dessus_seuil_ue" in names and "clause_sociale_obligatoire" in names
        assert fired.index("annexe2_seuil_ue_travaux_atteint") < fired.index("ccp_l2112_2_1_condition_sociale_obligatoire")
        assert fired.index("ccp_l2112_2_1_condition_sociale_obligatoire") < fired.index(
            "ccp_l2112_2_1_obligation_sans_derogation")

    def test_compiled_rule_depends_on_a_derived_fact(self):
        """The compiled durable definition of the obligation rule joins the market with a derived fact."""
        from engine.reasoning.compiled import compile_condition

        kb = knowledge()
        rule = next(r for r in kb.rules if r.id == "ccp_l2112_2_1_obligation_sans_derogation")
        patterns = compile_condition(rule, lambda name: 0)
        assert {"f0": {"$and": [{"t": "fait"}, {"nom": "clause_sociale_obligatoire"}]}} in patterns


class TestIsolation:
    def test_two_evaluations_in_a_row_do_not_share_facts(self):
        """A market above the threshold leaves nothing behind for the next one below it."""
        first = engine.evaluate(ABOVE)
        second = engine.evaluate(BELOW)
        assert "ccp_l2112_2_1_obligation_sans_derogation" in [s.rule for s in first.trace]
        fired = [s.rule for s in second.trace]
        assert "ccp_l2112_2_1_obligation_sans_derogation" not in fired
        assert all("au_dessus_seuil_ue" not in s.asserted for s in second.trace)
        assert engine.evaluate(ABOVE).model_dump() == first.model_dump()


class TestDates:
    def test_the_date_option_applies_when_the_market_has_no_launch_date(self):
        """Without launch_date, `on` decides the law; the decision says which date it used."""
        market = {k: v for k, v in ABOVE.items() if k != "launch_date"}
        before = engine.evaluate(market, on=dt.date(2026, 8, 20))
        after = engine.evaluate(market, on=dt.date(2026, 8, 21))
        assert (before.launch_date, before.date_source) == (dt.date(2026, 8, 20), "option")
        assert "ccp_l2112_2_1_obligation_sans_derogation" not in [s.rule for s in before.trace]
        assert "ccp_l2112_2_1_obligation_sans_derogation" in [s.rule for s in after.trace]

    def test_launch_date_wins_over_the_option_with_a_warning(self):
        """The market's launch date decides; a different --date is reported as ignored."""
        decision = engine.evaluate(ABOVE, on=dt.date(2025, 1, 1))
        assert decision.launch_date == dt.date(2026, 9, 1)
        assert "ignorée" in decision.warnings[0].text

    def test_today_is_used_without_any_date(self, monkeypatch):
        """Without launch_date nor `on`, today's law applies and is stated."""
        monkeypatch.setattr("engine.reasoning.evaluate.today", lambda: dt.date(2026, 11, 24))
        market = {k: v for k, v in ABOVE.items() if k != "launch_date"}
        decision = engine.evaluate(market)
        assert (decision.launch_date, decision.date_source) == (dt.date(2026, 11, 24), "aujourd_hui")


class TestDecisionShape:
    def test_references_carry_code_article_url_and_verification(self):
        """Every reference has the documented keys, and L2112-2 is cited as a verified CCP article."""
        decision = engine.evaluate(ABOVE)
        for ref in decision.references:
            assert set(ref) == {"code", "article", "title", "url", "url_kind", "source", "verified"}
        assert {"code": "CCP", "article": "L2112-2"}.items() <= next(
            r for r in decision.references if r["article"] == "L2112-2").items()

    def test_hours_show_the_formula_inputs_and_sources(self):
        """6 000 000 × 45 % × 5 % ÷ 30 = 4 500 h, each input with its source."""
        h = engine.evaluate(ABOVE).hours
        assert (h.value, h.amount, h.labour_share, h.rate, h.hourly_cost) == (4500, 6_000_000, 0.45, 0.05, 30)
        assert set(h.sources) == {"labour_share", "rate", "hourly_cost"}

    def test_without_mode_the_engine_lists_and_recommends(self):
        """No requested mode: eligible modes are listed and one is recommended with its reason."""
        market = {k: v for k, v in ABOVE.items() if k != "mode"}
        decision = engine.evaluate(market)
        assert decision.requested_mode is None
        # works: the insertion-purpose route (R2123-1 3°) is not open to them
        assert decision.eligible_modes == ["condition_execution", "critere_attribution"]
        assert decision.recommended_mode == decision.mode == "condition_execution"
        assert "obligatoire" in decision.recommendation_reason

    @pytest.mark.parametrize("mode", ["condition_execution", "critere_attribution", "objet_marche"])
    def test_private_buyers_never_get_a_ccp_reference(self, mode):
        """Contract freedom: no article of the public procurement code is cited for a company."""
        decision = engine.evaluate({"segment": "proprete", "amount": 900_000, "procedure": "consultation",
                                    "buyer_type": "entreprise", "mode": mode, "launch_date": "2026-09-01"})
        assert decision.allowed
        assert all(r["code"] != "CCP" for r in decision.references)
        assert all(r["code"] != "CCP" for s in decision.trace for r in s.references)
