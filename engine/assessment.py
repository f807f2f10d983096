"""assess(): the lean decision path for statistics (clausier audit): facts, thresholds and hours, no trace.

`evaluate()` builds a full Decision (trace, references, caveats, statements for both the recommendation run
and the chosen mode) for a person who reads it. An audit of a million published contracts only needs what
the rules established, which parameter values they compared, and the hours a clause would carry: this
runs the same rules, once, on the same facts, and returns just that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .evaluation import HOURS_FACT, _run, _Scope, _segment
from .facts import today
from .knowledge import knowledge
from .models import MARKET_SCOPE, Market
from .validation import parse_market


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
    epoch = kb.epoch(launch)
    segment = _segment(kb, m.segment, m.cpv, m)
    scope = _Scope(MARKET_SCOPE, m.amount, m.amount, segment, m.cpv, m.mode, m.reserved_for, m.insertion)
    out = _run(kb, epoch, m, scope, launch)
    established: dict[str, dict[str, object]] = {}
    for rule in out.rules:
        for fact in rule.then.faits:
            used = established.setdefault(fact, {})
            for name in rule.used_parameters:
                used[name] = epoch.values[name].value
    return Assessment(
        launch_date=launch,
        ruleset_version=kb.version,
        public=out.fact["public"],
        segment=segment,
        category=out.fact["category"],
        facts=frozenset(out.facts),
        established_by=established,
        hours=out.hours.value if HOURS_FACT in out.facts and out.hours is not None else None,
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
    kb.compile_all()
    return kb.version
