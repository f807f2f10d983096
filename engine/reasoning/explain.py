"""Plain-French renderings of a Decision: a short summary and the reasoned trace (`clausier explain`)."""

from __future__ import annotations

from engine import fmt
from engine.law.knowledge import knowledge
from engine.law.references import cite_all
from engine.reasoning.decision import MARKET_SCOPE, Decision

_ORIGIN = {
    "launch_date": "date de lancement de la consultation",
    "option": "date indiquée avec --date",
    "aujourd_hui": "date du jour, faute de date de lancement",
}


def _retained(d: Decision, scope: str) -> str | None:
    """The mode finally recommended for the market, or for the lot a trace step is about."""
    if scope == MARKET_SCOPE:
        return d.recommended_mode
    return next((lot.recommended_mode for lot in d.lots if f"lot {lot.number}" == scope), None)


def conclusions(step, kb, d: Decision) -> list[str]:
    """The step's conclusions in words: facts established, modes admitted or excluded (its statements,
    obligations and warnings, are listed after it in full). A mode a rule proposes but that another
    outranks is said to be proposed, so that the steps agree with the final recommendation."""
    voc = kb.vocabulary
    retained = _retained(d, step.scope)
    words = []
    for token in step.asserted:
        kind, _, value = token.partition(":")
        if kind in voc.faits:
            words.append(voc.faits[kind])
        elif kind == "mode_admis":
            words.append(f"le mode « {voc.modes[value].libelle} » est admis")
        elif kind == "mode_exclu":
            words.append(f"le mode « {voc.modes[value].libelle} » est exclu")
        elif kind == "recommande" and value == retained:
            words.append(f"le mode « {voc.modes[value].libelle} » est recommandé")
        elif kind == "recommande":
            words.append(f"le mode « {voc.modes[value].libelle} » est proposé, mais un autre mode lui est préféré")
    return words


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


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


def _conclusion(d: Decision, kb, statements: bool = True) -> list[str]:
    voc = kb.vocabulary
    lines = []
    if d.mode and d.requested_mode:
        lines.append(f"Mode demandé : {_mode(voc, d.mode, d.public)} — {'admis' if d.allowed else 'NON ADMIS'}.")
    lines += [f"  Motif du refus : {r}" for r in d.reasons]
    eligible = ", ".join(_mode(voc, x, d.public) for x in d.eligible_modes) or "aucun"
    lines.append(f"Modes admis : {eligible}.")
    if d.recommended_mode:
        why = f" {d.recommendation_reason}" if d.recommendation_reason else ""
        lines.append(f"Mode recommandé : {_mode(voc, d.recommended_mode, d.public)}.{why}")
        if not d.requested_mode:
            lines.append("Le document est rédigé dans ce mode ; pour un autre mode admis : --mode.")
    if d.hours:
        h = d.hours
        if h.lots:
            parts = " + ".join(f"{fmt.number(v)} h (lot {n})" for n, v in h.lots.items())
            lines.append(f"Heures d'insertion : {fmt.number(h.value)} h, somme des lots : {parts}.")
        else:
            lines.append(
                f"Heures d'insertion : {fmt.number(h.value)} h ({fmt.euros(h.amount)} HT × {fmt.percent(h.labour_share)} "
                f"× {fmt.percent(h.rate)} ÷ {fmt.euros(h.hourly_cost)}/h)."
            )
    for lot in d.lots:
        hours = f", {fmt.number(lot.hours.value)} h" if lot.hours else ""
        state = "admis" if lot.allowed else "non admis"
        mode = voc.modes[lot.mode].libelle if lot.mode in voc.modes else "aucun mode"
        lines.append(f"Lot {lot.number} : {fmt.euros(lot.amount)} HT, {mode} — {state}{hours}.")
    for title, items in (("Obligations", d.obligations), ("Avertissements", d.warnings),
                         ("Recommandations", d.recommendations)):
        if items and statements:
            lines.append(f"{title} :")
            lines += [f"  - {s.text}" for s in items]
    return lines


def _refusing_rules(d: Decision, kb) -> set[str]:
    index = kb.rule_index
    return {s.rule for s in d.trace if s.rule in index and (index[s.rule].then.refuse or index[s.rule].then.exclut)}


def refusal(d: Decision, rulesets=None, option: bool = True) -> str:
    """Why a document cannot be written for the decision's mode, naming the modes by their French labels and,
    with `option`, how to choose an admitted one (`--mode`)."""
    modes = knowledge(rulesets).vocabulary.modes
    label = modes[d.mode].libelle if d.mode in modes else d.mode
    eligible = ", ".join(modes[m].libelle + (f" (--mode {m})" if option else "") for m in d.eligible_modes) or "aucun"
    reasons = d.reasons or ["mode non admis"]
    return (f"le mode « {label} » n'est pas admis pour ce marché :\n  - " + "\n  - ".join(reasons)
            + f"\nmodes admis : {eligible}")


def summary(d: Decision, rulesets=None) -> str:
    """The decision in a few lines (`evaluate --format text`)."""
    kb = knowledge(rulesets)
    return "\n".join(_header(d, kb) + [""] + _conclusion(d, kb))


def explain(d: Decision, rulesets=None) -> str:
    """The reasoning, rule by rule, as a lawyer would set it out."""
    kb = knowledge(rulesets)
    lines = _header(d, kb) + ["", "Raisonnement :"]
    refusing = _refusing_rules(d, kb)
    for i, step in enumerate(d.trace, 1):
        scope = f" [{step.scope}]" if step.scope != MARKET_SCOPE else ""
        lines.append(f"{i}. {step.label}{scope}.")
        lines.append(f"   Règle : {step.text}")
        lines.append(f"   Fondement : {cite_all(step.references, ' (point non vérifié)')}.")
        if step.parameters:
            values = "; ".join(
                f"{_lower_first(kb.params.get(p.name).description) if p.name in kb.params else p.name} : "
                f"{_value(kb, p.name, p.value)}" + ("" if p.verified else " (non vérifié)")
                for p in step.parameters
            )
            lines.append(f"   Valeurs appliquées : {values}.")
        words = conclusions(step, kb, d)
        if words:
            lines.append(f"   Conclusion : {' ; '.join(words)}.")
        for title, items in (("Obligation", d.obligations), ("Avertissement", d.warnings),
                             ("Recommandation", d.recommendations)):
            lines += [f"   {title} : {s.text}" for s in items if s.rule == step.rule]
        lines += [f"   Refus : {r}" for r in d.reasons if step.rule in refusing and r]
        lines.append(f"   (règle {step.rule})")
    lines += ["", "En conséquence :"] + _conclusion(d, kb, statements=False)
    caveats = [s.text for s in d.warnings if not s.verified or s.rule not in {t.rule for t in d.trace}]
    if caveats:
        lines.append("Points à vérifier :")
        lines += [f"  - {c}" for c in caveats]
    return "\n".join(lines)


def _mode(voc, mode: str, public: bool) -> str:
    """A company's modes are contract clauses (libelle_prive), not public procurement routes."""
    return voc.modes[mode].libelle if public else voc.modes[mode].libelle_prive
