"""Plain-French renderings of a Decision: a short summary and the reasoned trace (`clausier explain`)."""

from __future__ import annotations

from . import fmt
from .knowledge import knowledge
from .models import Decision

_ORIGIN = {
    "launch_date": "date de lancement de la consultation",
    "option": "date indiquée avec --date",
    "aujourd_hui": "date du jour, faute de date de lancement",
}


def _cite(ref: dict) -> str:
    head = f"{ref['code']}, art. {ref['article']}" if ref["article"] else ref["title"]
    return head + ("" if ref["verified"] else " (point non vérifié)")


def _value(kb, name, value) -> str:
    return fmt.by_unit(value, kb.params.get(name).unit) if name in kb.params else str(value)


def _header(d: Decision, kb) -> list[str]:
    voc = kb.vocabulary
    m = d.market
    title = f" « {m['title']} »" if m.get("title") else ""
    return [
        f"Marché{title} : {voc.segments[d.segment].libelle.lower()}, {fmt.euros(m['amount'])} HT, "
        f"{voc.acheteurs[m['buyer_type']].libelle.lower()}, {voc.procedures[m['procedure']].libelle}, "
        f"{voc.contrats[m['contract_type']].libelle}.",
        f"Droit applicable au {fmt.date_fr(d.launch_date)} ({_ORIGIN[d.date_source]}) ; règles {d.ruleset_version}.",
    ]


def _conclusion(d: Decision, kb) -> list[str]:
    voc = kb.vocabulary
    lines = []
    if d.mode:
        how = "demandé" if d.requested_mode else "recommandé"
        lines.append(f"Mode {how} : {voc.modes[d.mode].libelle} — {'admis' if d.allowed else 'NON ADMIS'}.")
    lines += [f"  Motif du refus : {r}" for r in d.reasons]
    eligible = ", ".join(voc.modes[x].libelle for x in d.eligible_modes) or "aucun"
    lines.append(f"Modes admis : {eligible}.")
    if d.recommended_mode:
        why = f" {d.recommendation_reason}" if d.recommendation_reason else ""
        lines.append(f"Mode recommandé : {voc.modes[d.recommended_mode].libelle}.{why}")
    if d.hours:
        h = d.hours
        lines.append(
            f"Heures d'insertion : {fmt.number(h.value)} h ({fmt.euros(h.amount)} HT × {fmt.percent(h.labour_share)} "
            f"× {fmt.percent(h.rate)} ÷ {fmt.euros(h.hourly_cost)}/h)."
        )
    for lot in d.lots:
        hours = f", {fmt.number(lot.hours.value)} h" if lot.hours else ""
        state = "admis" if lot.allowed else "non admis"
        lines.append(f"Lot {lot.number} : {fmt.euros(lot.amount)} HT, {lot.mode or 'aucun mode'} ({state}){hours}.")
    for title, items in (("Obligations", d.obligations), ("Avertissements", d.warnings),
                         ("Recommandations", d.recommendations)):
        if items:
            lines.append(f"{title} :")
            lines += [f"  - {s.text}" for s in items]
    return lines


def summary(d: Decision, rulesets=None) -> str:
    """The decision in a few lines (`evaluate --format text`)."""
    kb = knowledge(rulesets)
    return "\n".join(_header(d, kb) + [""] + _conclusion(d, kb))


def explain(d: Decision, rulesets=None) -> str:
    """The reasoning, rule by rule, as a lawyer would set it out."""
    kb = knowledge(rulesets)
    lines = _header(d, kb) + ["", "Raisonnement :"]
    for i, step in enumerate(d.trace, 1):
        scope = f" [{step.scope}]" if step.scope != "marché" else ""
        lines.append(f"{i}. {step.label}{scope}.")
        lines.append(f"   Règle : {step.text}")
        lines.append(f"   Fondement : {'; '.join(_cite(r) for r in step.references)}.")
        if step.parameters:
            values = "; ".join(
                f"{kb.params.get(p.name).description.lower() if p.name in kb.params else p.name} : "
                f"{_value(kb, p.name, p.value)}" + ("" if p.verified else " (non vérifié)")
                for p in step.parameters
            )
            lines.append(f"   Valeurs appliquées : {values}.")
        facts = [a for a in step.asserted if not a.startswith("bloc:")]
        if facts:
            lines.append(f"   Conclusion : {', '.join(facts)} ({step.rule}).")
        else:
            lines.append(f"   ({step.rule})")
    lines += ["", "En conséquence :"] + _conclusion(d, kb)
    return "\n".join(lines)
