"""The sentences of a decision: rule messages filled with the period's values and the market's figures,
statements with their references, the trace, the references cited, and the caveats on unverified points."""

from __future__ import annotations

import datetime as dt
import re

from engine import fmt
from engine.law.knowledge import KnowledgeBase
from engine.law.rules import Rule
from engine.reasoning.compiled import Epoch
from engine.reasoning.decision import ParameterUse, Statement, TraceStep
from engine.reasoning.outcome import Outcome

_PLACEHOLDER = re.compile(r"\{([pm]):([a-z0-9_.]+)\}")
_MONEY_FIELDS = {"amount", "total_amount"}


def text(kb: KnowledgeBase, epoch: Epoch, template: str, fact: dict) -> str:
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


def refs(kb: KnowledgeBase, ids) -> list[dict]:
    return [kb.references[i].public_dict() for i in ids]


def statement(kb: KnowledgeBase, epoch: Epoch, rule: Rule, template: str, fact: dict) -> Statement:
    return Statement(
        text=text(kb, epoch, template, fact),
        rule=rule.id,
        references=refs(kb, rule.references),
        verified=all(kb.references[r].verified for r in rule.references),
    )


def _param_use(kb: KnowledgeBase, epoch: Epoch, name: str) -> ParameterUse:
    pv = epoch.values[name]  # every parameter a rule in force names is resolved when its epoch compiles
    return ParameterUse(
        name=name, value=pv.value, nature=kb.params.get(name).nature,
        verified=kb.params.is_verified(name, pv), references=refs(kb, pv.references),
    )


def trace(kb: KnowledgeBase, epoch: Epoch, scope: str, out: Outcome) -> list[TraceStep]:
    steps = []
    for rule in out.rules:
        steps.append(TraceStep(
            rule=rule.id, label=rule.label, text=rule.text, references=refs(kb, rule.references),
            asserted=list(rule.asserted), parameters=[_param_use(kb, epoch, n) for n in rule.used_parameters],
            scope=scope,
        ))
    return steps


def references(kb: KnowledgeBase, epoch: Epoch, out: Outcome, lots: list[Outcome]) -> list[dict]:
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
    return refs(kb, ids)


def caveats(kb: KnowledgeBase, epoch: Epoch, out: Outcome, lots: list[Outcome], on: dt.date) -> list[Statement]:
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
                        text=kb.wording("unverified_reference", citation=ref.cite(), note=note),
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
                        text=kb.wording("unverified_value", description=param.description,
                                        valeur=fmt.by_unit(pv.value, param.unit), note=note),
                        rule=rule.id, references=refs(kb, pv.references), verified=False,
                    ))
    # the hours figure of a market in lots is its lots' sum: the values used are the lots'
    with_hours = [o for o in (lots or [out]) if kb.names.facts.hours_clause in o.facts and o.hours is not None]
    if with_hours:
        used = list(dict.fromkeys(n for o in with_hours for n in o.hours_params))
        practice = [n for n in used if kb.params.get(n).nature == "pratique"]
        if practice:
            unverified = [n for n in practice if not kb.params.is_verified(n, kb.params.value(n, on))]

            def named(names):  # parameters by their description: their identifiers are internal
                return ", ".join(fmt.lower_first(kb.params.get(n).description) for n in names)
            tail = ""
            if unverified:
                tail = (kb.wording("practice_hours_none_verified") if unverified == practice
                        else kb.wording("practice_hours_unverified", parametres=named(unverified)))
            caveats.append(Statement(
                text=kb.wording("practice_hours", parametres=named(practice), non_verifiees=tail),
                rule=kb.names.wordings.practice_hours, references=[], verified=not unverified,
            ))
    return caveats
