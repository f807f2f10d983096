"""End to end: each example market -> decision -> Word document, read back as text."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document

import engine
from engine.documents import template_name
from engine.testing import docx_text, plain

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))



@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_each_example_generates_a_document_with_its_figures_and_basis(path):
    """Every example is allowed and its document states the law's date, figures and blanks."""
    market = json.loads(path.read_text(encoding="utf-8"))
    decision = engine.evaluate(market)
    assert decision.allowed, decision.reasons
    text = plain(docx_text(engine.render(decision)))
    assert "24 novembre 2026" in text or decision.launch_date.isoformat() != "2026-11-24"
    assert "droit applicable au" in text
    assert "[à compléter" in text
    if market.get("title"):
        assert market["title"] in text
    if decision.hours:
        assert f"{decision.hours.value:,}".replace(",", " ") + " heures" in text
    if decision.public:
        assert "code de la commande publique" in text
    else:
        assert "code de la commande publique" not in text.split("Annexe – Justification")[0]


def test_the_three_public_modes_have_their_own_clause():
    """CCAP article, règlement de consultation article, object article: one template per mode."""
    base = {"amount": 900_000, "procedure": "procedure_adaptee", "buyer_type": "collectivite",
            "launch_date": "2026-09-01", "cpv": "85312320-8"}
    seen = {}
    for mode in ("condition_execution", "critere_attribution", "objet_marche"):
        decision = engine.evaluate(dict(base, mode=mode))
        seen[mode] = (template_name(decision), plain(docx_text(engine.render(decision, annex=False))))
    assert seen["condition_execution"][0] == "public_condition_execution.docx"
    assert "cahier des clauses administratives particulières" in seen["condition_execution"][1]
    assert "règlement de la consultation" in seen["critere_attribution"][1]
    assert "Performances en matière d'insertion professionnelle des publics en difficulté" in seen["critere_attribution"][1]
    assert "Objet du marché" in seen["objet_marche"][1]
    assert "l'article R2123-1 (3°) du code de la commande publique" in seen["objet_marche"][1]
    assert all("Annexe – Justification" not in text for _, text in seen.values())


def test_mandatory_clause_cites_l2112_2_1_and_derogation_reasons_stay_in_the_annex():
    """Above the threshold the clause says it is mandatory; a derogation's justification is recorded for the
    legal team (annex), never in the text bidders receive (issue 10 point 8)."""
    market = {"segment": "travaux", "amount": 6_000_000, "procedure": "appel_offres", "buyer_type": "collectivite",
              "mode": "condition_execution", "launch_date": "2026-09-01"}
    text = plain(docx_text(engine.render(engine.evaluate(market))))
    assert "obligatoire, en application de l'article L2112-2-1 du code de la commande publique" in text
    justification = "Fourniture d'un logiciel standard téléchargé, sans main-d'œuvre sur site."
    derogated = dict(market, segment="informatique",
                     derogation={"reason": "restriction_concurrence", "justification": justification})
    text = plain(docx_text(engine.render(engine.evaluate(derogated))))
    body, annex = text.split("Annexe – Justification")
    assert justification not in body and justification in annex
    assert "elle ne figure pas dans les pièces remises aux candidats" in annex  # where the reasons are kept
    # a criterion cannot stand beside a « lien insuffisant » derogation: the mode is refused
    contradictory = dict(derogated, mode="critere_attribution",
                         derogation={"reason": "lien_insuffisant", "justification": justification})
    decision = engine.evaluate(contradictory)
    assert not decision.allowed and "critere_attribution" not in decision.eligible_modes


def test_blanks_are_highlighted_in_yellow():
    """Every `[à compléter …]` run is highlighted so the buyer sees what to fill in."""
    from docx.enum.text import WD_COLOR_INDEX

    decision = engine.evaluate(json.loads(EXAMPLES[0].read_text(encoding="utf-8")))
    doc = Document(io.BytesIO(engine.render(decision)))
    runs = [r for p in doc.paragraphs for r in p.runs if "[à compléter" in r.text]
    assert runs and all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in runs)


def test_an_undefined_template_variable_fails_instead_of_rendering_empty(tmp_path):
    """StrictUndefined: a template using an unknown variable raises DocumentError naming it."""
    doc = Document()
    doc.add_paragraph("Montant : {{ marche.montant }} ; inconnu : {{ variable_inconnue }}")
    for name in ("public_condition_execution.docx",):
        doc.save(tmp_path / name)
    decision = engine.evaluate(json.loads((EXAMPLES[0].parent / "travaux_condition_execution.json").read_text(encoding="utf-8")))
    with pytest.raises(engine.DocumentError) as err:
        engine.render(decision, templates=tmp_path)
    assert "variable_inconnue" in str(err.value)


def test_render_refuses_a_mode_that_is_not_allowed():
    """No document for a refused mode: NotAllowed carries the reasons."""
    decision = engine.evaluate({"segment": "proprete", "amount": 20000, "procedure": "sans_publicite",
                                "buyer_type": "collectivite", "mode": "critere_attribution",
                                "launch_date": "2026-06-01"})
    with pytest.raises(engine.NotAllowed) as err:
        engine.render(decision)
    assert "pas d'offres à comparer" in str(err.value)
