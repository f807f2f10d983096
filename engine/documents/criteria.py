"""The criteria table of a document (or of a lot with its own mode): rows, weights or ranks, and the blanks
the buyer fills. Labels of purpose-contract criteria come from contenus.yaml."""

from __future__ import annotations

from engine import fmt
from engine.documents.phrasing import blank as _blank
from engine.law.knowledge import KnowledgeBase
from engine.reasoning.decision import Decision


def criteria(decision: Decision, m: dict, weight: float, kb: KnowledgeBase, blocks=None, mode=None) -> dict:
    """The criteria table of the market, or of a lot with its own `blocks` and `mode`."""
    weights = m.get("weights") or {}
    blocks = set(decision.blocks if blocks is None else blocks)
    mode = mode or decision.mode
    names = kb.names
    ranked = names.blocks.ranked_criteria in blocks

    def w(value):
        if ranked:
            return _blank("rang")
        return fmt.weight(value) if value is not None else _blank("pondération en %")

    insertion = ("Performances en matière d'insertion professionnelle des publics en difficulté", w(weight))
    if mode == "objet_marche":
        rows = [(c, w(None)) for c in kb.contents[names.contents.purpose_criteria].items]
    elif not decision.public:
        rows = [("Performance en matière d'insertion", w(weight))]
    else:
        rows = [insertion]
    rows = [("Prix ou coût", w(weights.get("price")))] + rows
    if names.blocks.public_service_quality in blocks:  # a public service conceded (L3124-5)
        rows[1:1] = [(c, w(None)) for c in kb.contents[names.contents.conceded_service_criteria].items]
    if names.blocks.environment_line in blocks:
        rows.append(("Performances en matière de protection de l'environnement", w(weights.get("environment"))))
    given = [weights.get(k) for k in ("price", "environment", "insertion")]
    remainder = 100 - sum(v for v in given if v is not None) if all(v is not None for v in given) else None
    if mode != "objet_marche" and remainder != 0:
        rows.append((_blank("autre critère, par exemple la valeur technique"),
                     w(remainder) if remainder is not None else w(None)))
    return {
        "intro": "classés par ordre décroissant d'importance" if ranked else "pondérés comme suit",
        "entete": "Rang" if ranked else "Pondération",
        "lignes": [{"libelle": a, "poids": b} for a, b in rows],
    }
