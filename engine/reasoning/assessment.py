"""assess(): the lean decision path for statistics (clausier audit): facts, thresholds and hours, no trace.

`evaluate()` builds a full Decision (trace, references, caveats, statements for both the recommendation run
and the chosen mode) for a person who reads it. An audit of a million published contracts only needs what
the rules established, which parameter values they compared, and the hours a clause would carry: this runs
the same rules, once, on the same fact (`evaluate.scope_fact`, the one place it is built).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.law.knowledge import knowledge
from engine.market.model import Market
from engine.market.reading import parse_market
from engine.reasoning.compiled import compiled
from engine.reasoning.evaluate import scope_fact, whole_scope
from engine.reasoning.facts import today


@dataclass(frozen=True)
class Assessment:
    """What the rules in force on `launch_date` established for a market (whole market, lots ignored).

    facts: every fact asserted by a fired rule (names from rulesets/vocabulaire.yaml, `faits`).
    established_by: for each asserted fact, the parameters (name -> value) the asserting rules compared.
    hours: insertion hours of a clause in the market's mode (None when no rule selects an hours clause).
    """

    launch_date: dt.date
    ruleset_version: str
    public: bool
    segment: str
    category: str
    facts: frozenset[str]
    established_by: dict[str, dict[str, object]]
    hours: int | None


def assess(market: Market | dict | str | bytes, on: dt.date | None = None, *, rulesets=None) -> Assessment:
    """Run the rules in force on the market's launch date (else `on`, else today) once, without a trace.

    Raises the same errors as evaluate(): InputError, NoApplicableVersion, RulesetError.
    """
    m = parse_market(market)
    kb = knowledge(rulesets)
    launch = m.launch_date or on or today()
    law = compiled(kb)
    epoch = law.epoch(launch)
    scope = whole_scope(kb, m)
    fact, hours, _used = scope_fact(kb, epoch, m, scope, launch)
    facts: set[str] = set()
    established: dict[str, dict[str, object]] = {}
    for i in law.host.run(epoch.name, fact):
        rule = epoch.rules[i]
        for name in rule.then.faits:
            facts.add(name)
            used = established.setdefault(name, {})
            for param in rule.used_parameters:
                used[param] = epoch.values[param].value
    return Assessment(
        launch_date=launch,
        ruleset_version=kb.version,
        public=fact["public"],
        segment=scope.segment,
        category=fact["category"],
        facts=frozenset(facts),
        established_by=established,
        hours=hours.value if kb.names.facts.hours_clause in facts else None,
    )


def segment_for_cpv(cpv: str, *, rulesets=None) -> str:
    """The purchase segment of a CPV code (8 digits, check digit tolerated), from rulesets/vocabulaire.yaml."""
    return knowledge(rulesets).vocabulary.segment_for_cpv(cpv[:8])


def parameter(name: str, on: dt.date, *, rulesets=None) -> tuple[object, str, bool]:
    """A dated parameter's value on `on`, its nature (« droit » or « pratique ») and whether it is verified.

    Raises NoApplicableVersion when the parameter has no value on that date, KeyError when it is unknown.
    """
    kb = knowledge(rulesets)
    pv = kb.params.value(name, on)
    return pv.value, kb.params.get(name).nature, kb.params.is_verified(name, pv)


def prepare(rulesets=None) -> str:
    """Load the rules and compile every period now (before forking workers, which then share them)."""
    kb = knowledge(rulesets)
    compiled(kb).compile_all()
    return kb.version
