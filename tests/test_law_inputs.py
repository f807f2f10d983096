"""Issue 10 inputs: CPV codes checked against the whole CPV 2008 list, dates outside the covered period said
as a user reads them, batch refusing undated markets on request."""

from __future__ import annotations

import json
from pathlib import Path

from engine.cli import cli

MARKET = {"amount": 100000, "procedure": "appel_offres", "buyer_type": "collectivite", "launch_date": "2026-02-01"}


def _run(runner, args, market):
    return runner.invoke(cli, [*args, "-"], input=json.dumps(market))


def test_a_cpv_code_that_does_not_exist_is_refused_with_its_field(runner):
    result = _run(runner, ["evaluate", "--format", "text"], dict(MARKET, cpv="90910001"))
    assert result.exit_code == 2
    assert "cpv : le code CPV « 90910001 » n'existe pas" in result.stderr and not result.stdout


def test_a_wrong_check_digit_is_refused_with_the_official_code(runner):
    result = _run(runner, ["evaluate", "--format", "json"], dict(MARKET, cpv="90910000-8"))
    assert result.exit_code == 2
    payload = json.loads(result.stderr)
    assert payload["problemes"] == [{"champ": "cpv", "code": "valeur_invalide",
                                     "message": payload["problemes"][0]["message"]}]
    assert "« 90910000-9 »" in payload["problemes"][0]["message"]


def test_a_lot_cpv_is_checked_and_named_by_its_path(runner):
    market = dict(MARKET, segment="travaux", lots=[{"number": "1", "amount": 5000, "cpv": "45000000-1"}])
    result = _run(runner, ["generate", "-o", "out.docx"], market)
    assert result.exit_code == 2 and "lots[0].cpv" in result.stderr


def test_validate_checks_cpv_codes_too(runner):
    assert _run(runner, ["validate"], dict(MARKET, cpv="90910001")).exit_code == 2
    assert _run(runner, ["validate"], dict(MARKET, cpv="90910000-9")).exit_code == 0


def test_a_date_outside_the_rules_says_the_period_covered_and_where_the_date_came_from(runner):
    result = _run(runner, ["evaluate", "--format", "text"], dict(MARKET, segment="travaux", launch_date="2028-02-01"))
    assert result.exit_code == 2
    assert "du 2022-01-01 au 2027-12-31" in result.stderr and "« launch_date »" in result.stderr
    assert "paramètre" not in result.stderr and "seuils_ue" not in result.stderr
    undated = {k: v for k, v in MARKET.items() if k != "launch_date"}
    result = _run(runner, ["evaluate", "--format", "text", "--date", "2021-05-01"], dict(undated, segment="travaux"))
    assert result.exit_code == 2 and "option --date" in result.stderr


def test_batch_can_refuse_undated_markets(runner, tmp_path):
    plan = tmp_path / "plan.jsonl"
    undated = {k: v for k, v in MARKET.items() if k != "launch_date"}
    plan.write_text(json.dumps(dict(MARKET, segment="travaux")) + "\n" + json.dumps(dict(undated, segment="travaux")) + "\n",
                    encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(plan), "-o", str(tmp_path / "out"), "--format", "json", "--jobs", "1",
                                 "--require-date"])
    assert result.exit_code == 1
    rows = json.loads((tmp_path / "out" / "_resume.json").read_text(encoding="utf-8"))
    rows = rows["markets"]
    assert [r["status"] for r in rows] == ["ecrit", "erreur"]
    assert "launch_date" in rows[1]["error"] and "--require-date" in rows[1]["error"]
    # without the option, the undated market gets today's law (or --date): both are written
    result = runner.invoke(cli, ["batch", str(plan), "-o", str(tmp_path / "out2"), "--format", "json", "--jobs", "1",
                                 "--date", "2026-06-01"])
    assert result.exit_code == 0


def _text(market: dict) -> str:
    import engine
    from engine.testing import docx_text, plain

    return plain(docx_text(engine.render(engine.evaluate(market))))


def test_the_esat_name_follows_the_launch_date():
    """Loi n° 2023-1196 art. 15: « accompagnement » from 2023-12-20, « aide » before (LEGAL-NOTES §17.2)."""
    market = {"title": "Entretien", "segment": "espaces_verts", "amount": 20000, "procedure": "gre_a_gre",
              "buyer_type": "entreprise", "mode": "objet_marche", "reserved_for": "ea_esat"}
    before = _text(dict(market, launch_date="2023-12-19"))
    after = _text(dict(market, launch_date="2023-12-20"))
    assert "établissement ou service d'aide par le travail (ESAT)" in before and "accompagnement" not in before
    assert "établissement ou service d'accompagnement par le travail (ESAT)" in after and "d'aide par le travail" not in after


def test_a_market_in_lots_has_one_hours_figure_in_the_decision_the_document_and_the_batch_summary(runner, tmp_path):
    import engine

    example = json.loads((Path(__file__).parent.parent / "examples" / "reserve_siae_lots.json").read_text(encoding="utf-8"))
    decision = engine.evaluate(example)
    assert decision.hours.value == sum(lot.hours.value for lot in decision.lots if lot.hours) == 546
    assert "Total du marché : 546 heures" in _text(example)
    plan = tmp_path / "plan.jsonl"
    plan.write_text(json.dumps(example) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["batch", str(plan), "-o", str(tmp_path / "out"), "--format", "json", "--jobs", "1"])
    assert result.exit_code == 0
    rows = json.loads((tmp_path / "out" / "_resume.json").read_text(encoding="utf-8"))["markets"]
    assert rows[0]["hours"] == 546


def test_code_articles_link_to_legifrance_and_keep_the_page_they_were_read_on():
    """Issue 10 point 12: codes link to Légifrance (LEGITEXT ids of LEGAL-NOTES §17.8, an article id only where
    seen); the page where a fact was read stays as `source`; anything else is marked as a source."""
    from engine.law.knowledge import knowledge

    refs = knowledge().references
    for ref in refs.values():
        shown = ref.public_dict()
        if ref.code in ("CCP", "C. trav.", "Code civil"):
            assert shown["url_kind"] == "legifrance", ref.id
            assert ref.url.startswith(("https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT",
                                       "https://www.legifrance.gouv.fr/codes/id/LEGISCTA",
                                       "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000042503328")), ref.id
        elif ref.url:
            assert shown["url_kind"] == ("legifrance" if "legifrance.gouv.fr" in ref.url else "source"), ref.id
    assert refs["ccp_l2113_13"].public_dict()["source"] == "https://marche-public.info/marches-reserves-reservation"
    assert refs["ctrav_l5212_10_1"].url.endswith("LEGIARTI000042503328")


def test_a_reserved_market_document_holds_the_reservation_and_no_hours_clause():
    """Issue 10 point 3: L2113-12, -13 and -14 cited, 50 %, proof of status; no hours, penalties by default."""
    market = {"title": "Nettoyage", "segment": "proprete", "cpv": "90919200-4", "amount": 180000,
              "procedure": "procedure_adaptee", "buyer_type": "collectivite", "reserved_for": "siae_ea_esat",
              "mode": "condition_execution", "launch_date": "2026-11-24"}
    body = _text(market).split("Annexe – Justification")[0]
    assert "en application des articles L2113-12, L2113-13 et L2113-14 du code de la commande publique" in body
    assert "au moins 50 % de travailleurs handicapés ou défavorisés" in body and "Chaque candidat justifie" in body
    assert "Forme de la clause | Marché réservé" in body
    for absent in ("Volume d'heures", "Pénalités", "heures d'insertion"):
        assert absent not in body
    kept = _text(dict(market, reserved_keep_clause=True)).split("Annexe – Justification")[0]
    assert "Volume d'heures d'insertion" in kept and "Pénalités" in kept
