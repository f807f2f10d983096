"""The justification annex of a generated document: what the legal reviewer needs to check the draft.

Builds the `annexe` part of the template context: the market as understood, the date of the law
applied, the decision, the hours computation, obligations, warnings, every unverified point, every rule
that fired (with its basis) and every reference with its link. Data only; the layout is the template's.
"""

from __future__ import annotations

import datetime as dt

from engine import fmt
from engine.law.knowledge import KnowledgeBase
from engine.law.references import cite_all, cite_dict
from engine.reasoning.decision import Decision
from engine.reasoning.explain import conclusions

_FIELD_LABELS = {
    "title": "Intitulé", "buyer_name": "Acheteur", "reference": "Référence", "segment": "Segment",
    "cpv": "Code CPV", "amount": "Montant estimé HT", "procedure": "Procédure", "buyer_type": "Type d'acheteur",
    "contract_type": "Type de contrat", "reserved_for": "Réservation", "mode": "Mode demandé",
    "launch_date": "Date de lancement", "duration_months": "Durée", "penalty_per_hour": "Pénalité par heure",
    "framework_amount": "Valeur estimée de l'accord-cadre", "reserved_keep_clause": "Clause gardée malgré la réservation",
}
_SUB_LABELS = {
    "insertion": ("Paramètres d'insertion saisis", {
        "rate": ("taux d'insertion", fmt.percent), "labour_share": ("part de main-d'œuvre", fmt.percent),
        "hourly_cost": ("coût horaire moyen chargé", lambda v: fmt.by_unit(v, "eur_par_heure")),
        "hours": ("heures imposées", lambda v: f"{fmt.number(v)} h")}),
    "weights": ("Pondérations saisies", {
        "price": ("prix ou coût", fmt.weight), "environment": ("environnement", fmt.weight),
        "insertion": ("insertion", fmt.weight)}),
    "derogation": ("Dérogation", {"reason": ("motif", str), "justification": ("justification", str)}),
    "facilitator": ("Facilitateur", {"name": ("structure", str), "contact": ("contact", str)}),
}
_ORIGIN = {
    "launch_date": "la date de lancement de la consultation indiquée dans la description du marché",
    "option": "la date indiquée à la génération (la description du marché n'a pas de date de lancement)",
    "aujourd_hui": "la date du jour (la description du marché n'a pas de date de lancement)",
}


def short_calc(h) -> str:
    """The hours calculation of a lot on one line: « 1 000 000 € × 40 % × 5 % ÷ 30 €/h »."""
    if "hours" in h.overridden:
        return "volume fixé par l'acheteur"
    return (f"{fmt.euros(h.amount)} × {fmt.percent(h.labour_share)} × {fmt.percent(h.rate)} "
            f"÷ {fmt.euros(h.hourly_cost)}/h")


def mode_label(voc, mode: str, public: bool) -> str:
    """A mode as the buyer knows it: a company's modes are contract clauses, not public procurement routes."""
    return voc.modes[mode].libelle if public else voc.modes[mode].libelle_prive


def _value(key: str, value, voc, on: dt.date, public: bool = True) -> str:
    if key == "mode":
        return mode_label(voc, value, public)
    if key == "reserved_for":
        return voc.reservation(value, on).libelle
    if isinstance(value, bool):
        return "oui" if value else "non"
    if key in ("amount", "penalty_per_hour", "framework_amount"):
        return fmt.by_unit(value, "eur_ht")
    if key == "launch_date":
        return fmt.date_fr(dt.date.fromisoformat(str(value)))
    if key == "duration_months":
        return fmt.by_unit(value, "mois")
    table = {"segment": voc.segments, "procedure": voc.procedures, "buyer_type": voc.acheteurs,
             "contract_type": voc.contrats, "reserved_for": voc.reservations, "mode": voc.modes}.get(key)
    return table[value].libelle if table else str(value)


def _market_rows(decision: Decision, kb: KnowledgeBase) -> list[dict]:
    voc = kb.vocabulary
    m = decision.market
    rows = [{"cle": label, "valeur": _value(key, m[key], voc, decision.launch_date, decision.public)} for key, label in _FIELD_LABELS.items() if key in m]
    if "segment" not in m:
        rows.append({"cle": "Segment (déduit du code CPV)", "valeur": voc.segments[decision.segment].libelle})
    for key, (label, subs) in _SUB_LABELS.items():
        if not m.get(key):
            continue
        parts = []
        for sub, (name, show) in subs.items():
            if m[key].get(sub) is None:
                continue
            value = m[key][sub]
            if key == "derogation" and sub == "reason":
                value = voc.derogations[value].libelle
            parts.append(f"{name} : {show(value)}")
        rows.append({"cle": label, "valeur": " ; ".join(parts)})
    for lot in m.get("lots") or []:
        parts = [f"{fmt.euros(lot['amount'])} HT"]
        if lot.get("title"):
            parts.insert(0, lot["title"])
        if lot.get("segment"):
            parts.append(voc.segments[lot["segment"]].libelle)
        if lot.get("reserved_for"):
            parts.append("réservé aux " + voc.reservation(lot["reserved_for"], decision.launch_date).libelle)
        if lot.get("mode"):
            parts.append(voc.modes[lot["mode"]].libelle)
        rows.append({"cle": f"Lot n° {lot['number']}", "valeur": " ; ".join(parts)})
    return rows


def _hours(decision: Decision) -> dict | None:
    h = decision.hours
    if h is None:
        return None
    if h.lots:
        lines = [f"Lot n° {lot.number} : {short_calc(lot.hours)} = {fmt.number(lot.hours.value)} heures"
                 for lot in decision.lots if lot.hours]
        lines.append(f"Total du marché : {fmt.number(h.value)} heures, somme des lots ; l'engagement est fixé lot "
                     "par lot.")
        return {"formule": fmt.cap(h.formula) + ".", "lignes": lines}
    lines = [
        f"Montant HT retenu : {fmt.euros(h.amount)}",
        f"Part de main-d'œuvre : {fmt.percent(h.labour_share)} — {h.sources.get('labour_share', 'saisie')}",
        f"Taux d'insertion : {fmt.percent(h.rate)} — {h.sources.get('rate', 'saisi')}",
        f"Coût horaire moyen chargé : {fmt.euros(h.hourly_cost)}/h — {h.sources.get('hourly_cost', 'saisi')}",
        f"Résultat : {fmt.number(h.value)} heures"
        + (f" — {h.sources['hours']}" if "hours" in h.sources else " (arrondi à l'heure la plus proche)"),
    ]
    return {"formule": fmt.cap(h.formula) + ".", "lignes": lines}


def _parameter(kb: KnowledgeBase, name: str, value) -> str:
    """A dated value as a reader knows it: its description and its value in its unit (never its identifier)."""
    if name not in kb.params:
        return str(value)
    param = kb.params.get(name)
    return f"{fmt.lower_first(param.description)} : {fmt.by_unit(value, param.unit)}"


def _unverified(decision: Decision, kb: KnowledgeBase) -> list[str]:
    """Every point the legal notes mark UNVERIFIED that this decision relies on."""
    out: list[str] = []
    for step in decision.trace:
        for r in step.references:
            if not r["verified"]:
                out.append(f"Référence non vérifiée : {cite_dict(r)} — {r['title']} (règle {step.rule})")
        for p in step.parameters:
            if not p.verified:
                out.append(f"Valeur non vérifiée : {_parameter(kb, p.name, p.value)} (règle {step.rule})")
    for h in [decision.hours, *(lot.hours for lot in decision.lots)]:
        for key, source in sorted((h.sources if h else {}).items()):
            if "non vérifi" in source:
                out.append(f"Valeur non vérifiée dans le calcul des heures : {source}")
    m = decision.market
    if decision.mode == "condition_execution" and not m.get("penalty_per_hour"):
        pen = kb.params.value(kb.names.parameters.penalty_per_hour, decision.launch_date)
        refs = [kb.references[r] for r in pen.references]
        if not all(r.verified for r in refs):
            out.append(f"Valeur non vérifiée : la pénalité indicative de {fmt.euros(pen.value)} par heure proposée dans "
                       "la clause ; le montant est à fixer par l'acheteur")
    return list(dict.fromkeys(out))


def _established(step, kb: KnowledgeBase, decision: Decision) -> list[str]:
    """What a rule established, in words (its internal markers, « bloc:… », never reach the reader)."""
    words = conclusions(step, kb, decision)
    if "obligation" in step.asserted:
        words.append("fixe une obligation")
    if any(token.startswith("bloc:") for token in step.asserted):
        words.append("complète la rédaction de la clause")
    return words


def reference_line(r: dict) -> str:
    """A reference (public form) as the annex lists it: citation, title, which link is the official text
    (Légifrance) and which is only the page where the fact was read, flag if unverified."""
    if r.get("url_kind") == "legifrance":
        tail = f" — Légifrance : {r['url']}" + (f" ; lu sur : {r['source']}" if r.get("source") not in (None, r["url"]) else "")
    elif r["url"]:
        tail = f" — page consultée (source, non le texte officiel) : {r['url']}"
    else:
        tail = " — (pas de lien)"
    flag = " — NON VÉRIFIÉ" if not r["verified"] else ""
    head = cite_dict(r) if not r["article"] else f"{cite_dict(r)} : {r['title']}"
    return f"{head}{tail}{flag}"


def annex_context(decision: Decision, kb: KnowledgeBase) -> dict:
    """The `annexe` variable of the template context."""
    voc = kb.vocabulary
    how = ("demandé par l'acheteur" if decision.requested_mode else "recommandé, aucun mode n'étant demandé")
    decision_lines = [
        f"Mode retenu : {mode_label(voc, decision.mode, decision.public)} — {how}",
        "Modes admis pour ce marché : " + (" ; ".join(mode_label(voc, x, decision.public) for x in decision.eligible_modes)
                                           or "aucun"),
    ]
    if decision.recommended_mode:
        decision_lines.append(f"Mode recommandé : {mode_label(voc, decision.recommended_mode, decision.public)}"
                              + (f" — {decision.recommendation_reason}" if decision.recommendation_reason else ""))
    steps = []
    for i, step in enumerate(decision.trace, 1):
        label = step.label + ("" if not step.scope.startswith("lot ") else f" ({step.scope})")
        steps.append({"n": str(i), "libelle": label, "id": step.rule,
                      "fondement": cite_all(step.references) or "—",
                      "faits": " ; ".join(_established(step, kb, decision)) or "—"})
    references = [reference_line(r) for r in decision.references]
    return {
        "marche": _market_rows(decision, kb),
        "droit": f"Droit applicable au {fmt.date_fr(decision.launch_date)}, date retenue d'après {_ORIGIN[decision.date_source]}. "
                 f"Version des règles : {decision.ruleset_version}.",
        "decision": decision_lines + [f"Motif : {r}" for r in decision.reasons],
        "heures": _hours(decision),
        "obligations": [s.text for s in decision.obligations],
        "avertissements": [s.text for s in decision.warnings],
        "non_verifies": _unverified(decision, kb),
        "recommandations": [s.text for s in decision.recommendations],
        "regles": steps,
        "references": references,
    }
