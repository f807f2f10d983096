"""evaluate(): a market description -> a Decision, by running the rules in force on the launch date.

Python here only prepares facts, runs the compiled ruleset on durable-rules and aggregates what the
fired rules concluded (admitted minus excluded modes, best-ranked recommendation, statements in firing
order). Every statement of law comes from a rule or a parameter in `rulesets/`; the few sentences the
engine writes itself (the date chosen, refusals without a rule, caveats) come from `rulesets/formulations.yaml`.
"""

from __future__ import annotations

import datetime as dt

from engine.errors import NoApplicableVersion
from engine.law.knowledge import KnowledgeBase, knowledge
from engine.market.model import Market
from engine.market.reading import parse_market
from engine.reasoning import statements
from engine.reasoning.compiled import Epoch, compiled
from engine.reasoning.decision import (
    MARKET_SCOPE,
    Decision,
    LotDecision,
    Statement,
)
from engine.reasoning.facts import CpvLists, check_cpv, cpv8, market_fact, today
from engine.reasoning.hours import compute_hours, sum_hours
from engine.reasoning.outcome import Outcome, Scope


def evaluate(market: Market | dict | str | bytes, on: dt.date | None = None, *, rulesets=None) -> Decision:
    """Decide what the law allows and requires for `market` on its launch date.

    Args:
        market: a Market, a dict or JSON text following the input contract (see README).
        on: the date to apply when the market has no `launch_date` (default: today).
        rulesets: another `rulesets/` folder (an organisation's edited copy); default: the shipped one.

    Returns:
        The Decision, with its legal basis and the trace of the rules fired.

    Raises:
        InputError: the market description is invalid.
        NoApplicableVersion: no rule or value is known on the launch date.
        RulesetError: the rulesets folder is malformed.
    """
    m = parse_market(market)
    kb = knowledge(rulesets)
    check_cpv(kb, m)
    if m.launch_date is not None:
        launch, source = m.launch_date, "launch_date"
    elif on is not None:
        launch, source = on, "option"
    else:
        launch, source = today(), "aujourd_hui"
    start, end = kb.coverage()
    if launch < start or (end is not None and launch > end):
        raise NoApplicableVersion.outside(launch, (start, end), _DATE_ORIGIN[source] + (
            " ; l'option --date donnée est ignorée" if source == "launch_date" and on is not None else ""))
    epoch = compiled(kb).epoch(launch)

    whole = whole_scope(kb, m)
    segment, total = whole.segment, whole.total_amount
    out = _decide(kb, epoch, m, whole, launch)

    lots: list[LotDecision] = []
    lot_outcomes: list[tuple[str, Outcome]] = []
    for lot in m.lots or ():
        lot_seg = _segment(kb, lot.segment or (None if lot.cpv else m.segment), lot.cpv or (None if lot.segment else m.cpv), m)
        scope = Scope(
            f"lot {lot.number}", lot.amount, total, lot_seg, lot.cpv or m.cpv,
            lot.mode or m.mode, lot.reserved_for or m.reserved_for, lot.insertion or m.insertion, out.fact,
            given_segment=lot.segment or (None if lot.cpv else m.segment),
        )
        lo = _decide(kb, epoch, m, scope, launch)
        lot_outcomes.append((scope.label, lo))
        rec, _ = lo.recommended
        mode = scope.mode or rec
        lots.append(
            LotDecision(
                number=lot.number, title=lot.title, segment=lot_seg, amount=lot.amount, mode=mode,
                allowed=_allowed(lo, mode), reasons=_reasons(lo, mode, kb), eligible_modes=lo.eligible,
                recommended_mode=rec, hours=lo.hours if kb.names.facts.hours_clause in lo.facts else None,
                obligations=lo.obligations, warnings=lo.warnings, recommendations=lo.recommendations,
                blocks=lo.blocks,
            )
        )

    recommended, why = out.recommended
    mode = m.mode or recommended
    trace = statements.trace(kb, epoch, MARKET_SCOPE, out) + [s for label, lo in lot_outcomes for s in statements.trace(kb, epoch, label, lo)]
    warnings = list(out.warnings)
    if source == "launch_date" and on is not None and on != m.launch_date:
        warnings.insert(0, Statement(
            text=kb.wording("date_overrides_option", demandee=on.isoformat(), lancement=m.launch_date.isoformat()),
            rule=kb.names.wordings.date_overrides_option, references=[],
        ))
    warnings += statements.caveats(kb, epoch, out, [lo for _, lo in lot_outcomes], launch)
    allowed = _allowed(out, mode) and all(ld.allowed for ld in lots)
    reasons = _reasons(out, mode, kb) + [f"Lot {ld.number} : {r}" for ld in lots for r in ld.reasons]
    return Decision(
        launch_date=launch,
        date_source=source,
        ruleset_version=kb.version,
        market=m.model_dump(mode="json", exclude_none=True),
        public=out.fact["public"],
        segment=segment,
        category=out.fact["category"],
        mode=mode,
        requested_mode=m.mode,
        allowed=allowed,
        reasons=reasons,
        eligible_modes=out.eligible,
        recommended_mode=recommended,
        recommendation_reason=why,
        hours=_market_hours(kb, out, lots),
        obligations=out.obligations,
        warnings=warnings,
        recommendations=out.recommendations,
        blocks=out.blocks,
        references=statements.references(kb, epoch, out, [lo for _, lo in lot_outcomes]),
        trace=trace,
        lots=lots,
    )


_DATE_ORIGIN = {
    "launch_date": "date de lancement indiquée dans le marché (« launch_date »)",
    "option": "date donnée par l'option --date, le marché n'ayant pas de « launch_date »",
    "aujourd_hui": "date du jour, faute de « launch_date » dans le marché et d'option --date",
}


def _market_hours(kb: KnowledgeBase, out: Outcome, lots: list[LotDecision]):
    """One figure everywhere: a market in lots carries the sum of its lots' hours (the lots with a clause in
    hours), never a second computation on the whole amount with the main segment's defaults."""
    if lots:
        return sum_hours([lot for lot in lots if lot.hours is not None], kb)
    return out.hours if kb.names.facts.hours_clause in out.facts else None


def _segment(kb: KnowledgeBase, segment: str | None, cpv: str | None, m: Market) -> str:
    if segment:
        return segment
    if cpv:
        return kb.vocabulary.segment_for_cpv(cpv8(cpv))
    # a market described only by its lots: its main object is its largest lot
    biggest = max(m.lots, key=lambda lot: lot.amount)
    return _segment(kb, biggest.segment, biggest.cpv, m)


def _decide(kb: KnowledgeBase, epoch: Epoch, m: Market, scope: Scope, on: dt.date) -> Outcome:
    """Run the rules; without a requested mode, run again with the recommended one to get its clauses."""
    out = _run(kb, epoch, m, scope, on)
    if scope.mode is None:
        recommended, _ = out.recommended
        if recommended is not None:
            chosen = _run(kb, epoch, m, _replace(scope, mode=recommended), on)
            return _merge(out, chosen)
    return out


def _merge(first: Outcome, chosen: Outcome) -> Outcome:
    """The recommendation run explains the choice; the run with the chosen mode gives its clauses.

    Eligibility and ranking come from the first run (no mode requested); the trace and statements are
    the union of both runs, without repeating a rule; blocks and hours come from the chosen mode.
    """
    chosen.admitted, chosen.excluded, chosen.ranked = first.admitted, first.excluded, first.ranked
    chosen.refusals = list(dict.fromkeys(first.refusals + chosen.refusals))
    seen = {r.id for r in chosen.rules}
    chosen.rules = [r for r in first.rules if r.id not in seen] + chosen.rules
    chosen.facts |= first.facts
    for attr in ("obligations", "warnings", "recommendations"):
        mine = getattr(chosen, attr)
        keys = {(s.rule, s.text) for s in mine}
        setattr(chosen, attr, [s for s in getattr(first, attr) if (s.rule, s.text) not in keys] + mine)
    return chosen


def _replace(scope: Scope, **changes) -> Scope:
    return Scope(**{**scope.__dict__, **changes})


def whole_scope(kb: KnowledgeBase, m: Market) -> Scope:
    """The scope of the whole market: thresholds are assessed on the whole contract (a subsequent contract on
    its framework agreement's value)."""
    segment = _segment(kb, m.segment, m.cpv, m)
    return Scope(MARKET_SCOPE, m.amount, m.framework_amount or m.amount, segment, m.cpv, m.mode, m.reserved_for,
                 m.insertion, given_segment=m.segment)


def scope_fact(kb: KnowledgeBase, epoch: Epoch, m: Market, scope: Scope, on: dt.date):
    """The fact the rules match on for `scope`, with its hours computation and the parameters that used.

    The one place the fact is built: evaluate() and assess() (the audit's lean path) run the same rules on it."""
    hours, hours_params = compute_hours(scope.amount, scope.segment, scope.insertion, kb, on)
    weight = (m.weights.insertion if m.weights and m.weights.insertion is not None
              else epoch.values[kb.names.parameters.criterion_weight].value)
    fact = market_fact(
        voc=kb.vocabulary,
        lists=CpvLists(
            sss=kb.code_list(epoch.values[kb.names.parameters.sss_codes].value),
            sss_segments=kb.segments_of(epoch.values[kb.names.parameters.sss_codes].value),
            ess=kb.code_list(epoch.values[kb.names.parameters.ess_reservable_codes].value),
            insertion=frozenset(epoch.values[kb.names.parameters.insertion_codes].value),
            nomenclature=kb.cpv,
        ),
        buyer_type=m.buyer_type,
        procedure=m.procedure,
        contract_type=m.contract_type,
        segment=scope.segment,
        cpv=scope.cpv,
        mode=scope.mode,
        reserved_for=scope.reserved_for,
        amount=scope.amount,
        total_amount=scope.total_amount,
        hours=hours.value,
        hours_imposed=bool(scope.insertion and scope.insertion.hours is not None),
        derogation=m.derogation.reason if m.derogation else None,
        duration_months=m.duration_months,
        insertion_weight=weight,
        given_segment=scope.given_segment,
        clause_in_reserved=bool(m.reserved_keep_clause),
        market=scope.market_fact,
    )
    return fact, hours, hours_params


def _run(kb: KnowledgeBase, epoch: Epoch, m: Market, scope: Scope, on: dt.date) -> Outcome:
    fact, hours, hours_params = scope_fact(kb, epoch, m, scope, on)
    fired = compiled(kb).host.run(epoch.name, fact)
    out = Outcome(rules=[epoch.rules[i] for i in fired], fact=fact, hours=hours, hours_params=hours_params)
    for order, rule in enumerate(out.rules):
        then = rule.then
        out.facts.update(then.faits)
        for mode in then.admet:
            if mode not in out.admitted:
                out.admitted.append(mode)
        for mode, reason in then.exclut.items():
            out.excluded.setdefault(mode, []).append(statements.text(kb, epoch, reason, fact))
        out.refusals += [statements.text(kb, epoch, t, fact) for t in then.refuse]
        out.ranked += [(r.rang, order, r.mode, statements.text(kb, epoch, r.motif, fact)) for r in then.recommande]
        out.obligations += [statements.statement(kb, epoch, rule, t, fact) for t in then.obligations]
        out.warnings += [statements.statement(kb, epoch, rule, t, fact) for t in then.avertissements]
        out.recommendations += [statements.statement(kb, epoch, rule, t, fact) for t in then.recommandations]
        out.blocks += [b for b in then.blocs if b not in out.blocks]
    return out


def _allowed(out: Outcome, mode: str | None) -> bool:
    if out.refusals:
        return False
    return mode in out.eligible if mode else bool(out.eligible)


def _reasons(out: Outcome, mode: str | None, kb: KnowledgeBase) -> list[str]:
    reasons = list(out.refusals)
    if reasons:  # the market as described is refused: its refusal says what to change, no mode is admitted
        return reasons
    if mode and mode not in out.eligible:
        if mode in out.excluded:
            reasons += out.excluded[mode]
        else:
            reasons.append(kb.wording("no_rule_admits_mode", mode=kb.vocabulary.modes[mode].libelle))
    if not mode and not out.eligible:
        reasons.append(kb.wording("no_mode_admitted"))
    return reasons


