"""evaluate(): a market description -> a Decision, by running the rules in force on the launch date.

Python here only prepares facts, runs the compiled ruleset on durable-rules and aggregates what the
fired rules concluded (admitted minus excluded modes, best-ranked recommendation, statements in firing
order). Every legal statement comes from a rule or a parameter in `rulesets/`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from engine import fmt
from engine.law.knowledge import KnowledgeBase, knowledge
from engine.law.rules import MODES, Rule
from engine.market.model import Insertion, Market
from engine.market.reading import parse_market
from engine.reasoning.compiled import Epoch, compiled
from engine.reasoning.decision import (
    MARKET_SCOPE,
    Decision,
    HoursComputation,
    LotDecision,
    ParameterUse,
    Statement,
    TraceStep,
)
from engine.reasoning.facts import cpv8, market_fact, today
from engine.reasoning.hours import compute_hours

_PLACEHOLDER = re.compile(r"\{([pm]):([a-z0-9_.]+)\}")
_MONEY_FIELDS = {"amount", "total_amount"}
HOURS_FACT = "clause_heures"


@dataclass
class _Scope:
    label: str
    amount: float
    total_amount: float
    segment: str
    cpv: str | None
    mode: str | None
    reserved_for: str | None
    insertion: Insertion | None
    market_fact: dict | None = None  # the whole market's fact, for a lot (None: the scope is the market)


@dataclass
class _Outcome:
    rules: list[Rule]
    fact: dict
    facts: set[str] = field(default_factory=set)
    admitted: list[str] = field(default_factory=list)
    excluded: dict[str, list[str]] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)
    ranked: list[tuple[int, int, str, str]] = field(default_factory=list)
    obligations: list[Statement] = field(default_factory=list)
    warnings: list[Statement] = field(default_factory=list)
    recommendations: list[Statement] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    hours: HoursComputation | None = None
    hours_params: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> list[str]:
        return [m for m in MODES if m in self.admitted and m not in self.excluded]

    @property
    def recommended(self) -> tuple[str | None, str | None]:
        eligible = self.eligible
        for _rank, _order, mode, motif in sorted(self.ranked):
            if mode in eligible:
                return mode, motif
        return (eligible[0], None) if eligible else (None, None)


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
    if m.launch_date is not None:
        launch, source = m.launch_date, "launch_date"
    elif on is not None:
        launch, source = on, "option"
    else:
        launch, source = today(), "aujourd_hui"
    epoch = compiled(kb).epoch(launch)
    voc = kb.vocabulary

    segment = _segment(kb, m.segment, m.cpv, m)
    whole = _Scope(MARKET_SCOPE, m.amount, m.amount, segment, m.cpv, m.mode, m.reserved_for, m.insertion)
    out = _decide(kb, epoch, m, whole, launch)

    lots: list[LotDecision] = []
    lot_outcomes: list[tuple[str, _Outcome]] = []
    for lot in m.lots or ():
        lot_seg = _segment(kb, lot.segment or (None if lot.cpv else m.segment), lot.cpv or (None if lot.segment else m.cpv), m)
        scope = _Scope(
            f"lot {lot.number}", lot.amount, m.amount, lot_seg, lot.cpv or m.cpv,
            lot.mode or m.mode, lot.reserved_for or m.reserved_for, lot.insertion or m.insertion, out.fact,
        )
        lo = _decide(kb, epoch, m, scope, launch)
        lot_outcomes.append((scope.label, lo))
        rec, _ = lo.recommended
        mode = scope.mode or rec
        lots.append(
            LotDecision(
                number=lot.number, title=lot.title, segment=lot_seg, amount=lot.amount, mode=mode,
                allowed=_allowed(lo, mode), reasons=_reasons(lo, mode, voc), eligible_modes=lo.eligible,
                recommended_mode=rec, hours=lo.hours if HOURS_FACT in lo.facts else None,
                obligations=lo.obligations, warnings=lo.warnings, recommendations=lo.recommendations,
                blocks=lo.blocks,
            )
        )

    recommended, why = out.recommended
    mode = m.mode or recommended
    trace = _trace(kb, epoch, MARKET_SCOPE, out) + [s for label, lo in lot_outcomes for s in _trace(kb, epoch, label, lo)]
    warnings = list(out.warnings)
    if source == "launch_date" and on is not None and on != m.launch_date:
        warnings.insert(0, Statement(
            text=f"La date demandée ({on.isoformat()}) est ignorée : la date de lancement indiquée dans le marché "
            f"({m.launch_date.isoformat()}) détermine le droit applicable.",
            rule="date_de_lancement", references=[],
        ))
    warnings += _caveats(kb, epoch, out, [lo for _, lo in lot_outcomes], launch)
    allowed = _allowed(out, mode) and all(ld.allowed for ld in lots)
    reasons = _reasons(out, mode, voc) + [f"Lot {ld.number} : {r}" for ld in lots for r in ld.reasons]
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
        hours=out.hours if HOURS_FACT in out.facts else None,
        obligations=out.obligations,
        warnings=warnings,
        recommendations=out.recommendations,
        blocks=out.blocks,
        references=_references(kb, epoch, out, [lo for _, lo in lot_outcomes]),
        trace=trace,
        lots=lots,
    )


def _segment(kb: KnowledgeBase, segment: str | None, cpv: str | None, m: Market) -> str:
    if segment:
        return segment
    if cpv:
        return kb.vocabulary.segment_for_cpv(cpv8(cpv))
    # a market described only by its lots: its main object is its largest lot
    biggest = max(m.lots, key=lambda lot: lot.amount)
    return _segment(kb, biggest.segment, biggest.cpv, m)


def _decide(kb: KnowledgeBase, epoch: Epoch, m: Market, scope: _Scope, on: dt.date) -> _Outcome:
    """Run the rules; without a requested mode, run again with the recommended one to get its clauses."""
    out = _run(kb, epoch, m, scope, on)
    if scope.mode is None:
        recommended, _ = out.recommended
        if recommended is not None:
            chosen = _run(kb, epoch, m, _replace(scope, mode=recommended), on)
            return _merge(out, chosen)
    return out


def _merge(first: _Outcome, chosen: _Outcome) -> _Outcome:
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


def _replace(scope: _Scope, **changes) -> _Scope:
    return _Scope(**{**scope.__dict__, **changes})


def _run(kb: KnowledgeBase, epoch: Epoch, m: Market, scope: _Scope, on: dt.date) -> _Outcome:
    hours, hours_params = compute_hours(scope.amount, scope.segment, scope.insertion, kb.params, on)
    weight = (m.weights.insertion if m.weights and m.weights.insertion is not None
              else epoch.values[kb.index.criterion_weight_parameter].value)
    fact = market_fact(
        voc=kb.vocabulary,
        sss_prefixes=list(epoch.values[kb.index.sss_parameter].value),
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
        market=scope.market_fact,
    )
    fired = compiled(kb).host.run(epoch.name, fact)
    out = _Outcome(rules=[epoch.rules[i] for i in fired], fact=fact, hours=hours, hours_params=hours_params)
    for order, rule in enumerate(out.rules):
        then = rule.then
        out.facts.update(then.faits)
        for mode in then.admet:
            if mode not in out.admitted:
                out.admitted.append(mode)
        for mode, reason in then.exclut.items():
            out.excluded.setdefault(mode, []).append(_text(kb, epoch, reason, fact))
        out.refusals += [_text(kb, epoch, t, fact) for t in then.refuse]
        out.ranked += [(r.rang, order, r.mode, _text(kb, epoch, r.motif, fact)) for r in then.recommande]
        out.obligations += [_statement(kb, epoch, rule, t, fact) for t in then.obligations]
        out.warnings += [_statement(kb, epoch, rule, t, fact) for t in then.avertissements]
        out.recommendations += [_statement(kb, epoch, rule, t, fact) for t in then.recommandations]
        out.blocks += [b for b in then.blocs if b not in out.blocks]
    return out


def _text(kb: KnowledgeBase, epoch: Epoch, template: str, fact: dict) -> str:
    """Fill a rule's message; texts with only parameter placeholders are filled once per epoch."""
    if "{" not in template:
        return template
    if "{m:" in template:
        return _fill(kb, epoch, template, fact)
    cached = epoch.texts.get(template)
    if cached is None:
        cached = epoch.texts[template] = _fill(kb, epoch, template, fact)
    return cached


def _fill(kb: KnowledgeBase, epoch: Epoch, template: str, fact: dict) -> str:
    def sub(match: re.Match) -> str:
        kind, name = match.groups()
        if kind == "p":
            return fmt.by_unit(epoch.values[name].value, kb.params.get(name).unit)
        value = fact[name]
        if name in _MONEY_FIELDS:
            return f"{fmt.euros(value)} HT"
        if name == "heures_estimees":
            return fmt.hours(value)
        if isinstance(value, float):
            return fmt.number(value, 0 if value.is_integer() else 1)
        return str(value)

    return _PLACEHOLDER.sub(sub, template)


def _refs(kb: KnowledgeBase, ids) -> list[dict]:
    return [kb.references[i].public_dict() for i in ids]


def _statement(kb: KnowledgeBase, epoch: Epoch, rule: Rule, template: str, fact: dict) -> Statement:
    return Statement(
        text=_text(kb, epoch, template, fact),
        rule=rule.id,
        references=_refs(kb, rule.references),
        verified=all(kb.references[r].verified for r in rule.references),
    )


def _allowed(out: _Outcome, mode: str | None) -> bool:
    if out.refusals:
        return False
    return mode in out.eligible if mode else bool(out.eligible)


def _reasons(out: _Outcome, mode: str | None, voc) -> list[str]:
    reasons = list(out.refusals)
    if mode and mode not in out.eligible:
        if mode in out.excluded:
            reasons += out.excluded[mode]
        else:
            reasons.append(f"Aucune règle en vigueur n'admet le mode « {voc.modes[mode].libelle} » pour ce marché.")
    if not mode and not out.eligible:
        reasons.append("Aucun mode d'insertion n'est admis pour ce marché.")
    return reasons


def _param_use(kb: KnowledgeBase, epoch: Epoch, name: str) -> ParameterUse:
    pv = epoch.values[name]  # every parameter a rule in force names is resolved when its epoch compiles
    return ParameterUse(
        name=name, value=pv.value, nature=kb.params.get(name).nature,
        verified=kb.params.is_verified(name, pv), references=_refs(kb, pv.references),
    )


def _trace(kb: KnowledgeBase, epoch: Epoch, scope: str, out: _Outcome) -> list[TraceStep]:
    steps = []
    for rule in out.rules:
        steps.append(TraceStep(
            rule=rule.id, label=rule.label, text=rule.text, references=_refs(kb, rule.references),
            asserted=list(rule.asserted), parameters=[_param_use(kb, epoch, n) for n in rule.used_parameters],
            scope=scope,
        ))
    return steps


def _references(kb: KnowledgeBase, epoch: Epoch, out: _Outcome, lots: list[_Outcome]) -> list[dict]:
    ids: list[str] = []
    for o in [out, *lots]:
        for rule in o.rules:
            for ref in rule.references:
                if ref not in ids:
                    ids.append(ref)
            for name in rule.used_parameters:
                for ref in epoch.values[name].references:
                    if ref not in ids:
                        ids.append(ref)
    return _refs(kb, ids)


def _caveats(kb: KnowledgeBase, epoch: Epoch, out: _Outcome, lots: list[_Outcome], on: dt.date) -> list[Statement]:
    """UNVERIFIED points reached by this decision, stated as warnings so they are never taken as settled law."""
    caveats: list[Statement] = []
    seen: set[str] = set()
    for o in [out, *lots]:
        for rule in o.rules:
            for ref_id in rule.references:
                ref = kb.references[ref_id]
                if not ref.verified and ref_id not in seen:
                    seen.add(ref_id)
                    note = f" : {ref.note}" if ref.note else ""
                    caveats.append(Statement(
                        text=f"POINT NON VÉRIFIÉ — {ref.cite()}{note}. À faire confirmer par un juriste avant usage.",
                        rule=rule.id, references=[ref.public_dict()], verified=False,
                    ))
            for name in rule.used_parameters:
                pv = epoch.values[name]
                key = f"param:{name}"
                if not kb.params.is_verified(name, pv) and key not in seen:
                    seen.add(key)
                    param = kb.params.get(name)
                    note = f" ({pv.note})" if pv.note else ""
                    caveats.append(Statement(
                        text=f"VALEUR NON VÉRIFIÉE — {param.description} : {fmt.by_unit(pv.value, param.unit)}{note}.",
                        rule=rule.id, references=_refs(kb, pv.references), verified=False,
                    ))
    if HOURS_FACT in out.facts and out.hours is not None:
        practice = [n for n in out.hours_params if kb.params.get(n).nature == "pratique"]
        if practice:
            unverified = [n for n in practice if not kb.params.is_verified(n, kb.params.value(n, on))]
            tail = " ; certaines ne sont pas vérifiées : " + ", ".join(unverified) if unverified else ""
            caveats.append(Statement(
                text="Le nombre d'heures repose sur des valeurs de pratique, non sur des valeurs légales "
                f"({', '.join(practice)}){tail}. Ajustez-les avec le facilitateur (champ « insertion »).",
                rule="calcul_heures_insertion", references=[], verified=not unverified,
            ))
    return caveats
