"""`clausier rules check`: everything that can be wrong in a rulesets folder, as a list of French messages.

Loading already rejects malformed files (schema, unknown references, unknown parameters, overlapping
versions). This adds the Catala-style temporal coverage check: on every day of a date grid, each rule
family has exactly one applicable version inside its span, each dated parameter has a value inside its
span, and every rule in force finds the parameters it needs.
"""

from __future__ import annotations

import datetime as dt

from engine.errors import EngineError
from engine.law.knowledge import KnowledgeBase, knowledge
from engine.reasoning.compiled import compiled


def grid_span(kb: KnowledgeBase) -> tuple[dt.date, dt.date]:
    """The dates to check, from the data: from the day every parameter an evaluation needs has a value, to
    the day before the last of them ends (the end of the last change year when none ends). A parameter that
    ends before the others is then reported as a gap, not silently shortening the period."""
    start, _ = kb.coverage()
    ends = [v.start for name in kb.engine_parameters() for v in kb.params.get(name).values if v.value is None]
    return start, (max(ends) - dt.timedelta(days=1)) if ends else dt.date(max(kb.bounds).year, 12, 31)


def date_grid(start: dt.date, end: dt.date, bounds=()) -> list[dt.date]:
    """The first of every month, plus each change date and the day before it, within [start, end]."""
    days = set()
    d = start
    while d <= end:
        days.add(d)
        d = dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    for b in bounds:
        for x in (b - dt.timedelta(days=1), b):
            if start <= x <= end:
                days.add(x)
    days.add(end)
    return sorted(days)


def coverage_problems(kb: KnowledgeBase, start: dt.date | None = None, end: dt.date | None = None) -> list[str]:
    if start is None or end is None:
        span = grid_span(kb)
        start, end = start or span[0], end or span[1]
    problems = []
    grid = date_grid(start, end, kb.bounds)
    for family, versions in kb.families().items():
        first = min(v.valid_from for v in versions)
        last = None if any(v.valid_until is None for v in versions) else max(v.valid_until for v in versions)
        for day in grid:
            if day < first or (last and day >= last):
                continue
            found = [v.id for v in versions if v.applies_on(day)]
            if len(found) != 1:
                what = "aucune version" if not found else f"{len(found)} versions ({', '.join(found)})"
                problems.append(f"famille '{family}' : {what} applicable au {day.isoformat()}")
    for param in kb.params:
        first = param.values[0].start
        ends = [v.start for v in param.values if v.value is None]
        for day in grid:
            if day < first or (ends and day >= min(ends)):
                continue
            if param.at(day) is None:
                problems.append(f"paramètre '{param.name}' : aucune valeur au {day.isoformat()}")
    for rule in kb.rules:
        for day in grid:
            if not rule.applies_on(day):
                continue
            for name in rule.parameter_names():
                if kb.params.get(name).at(day) is None:
                    problems.append(f"règle '{rule.id}' : paramètre '{name}' sans valeur au {day.isoformat()}")
    for day in grid:
        try:
            compiled(kb).epoch(day)
        except EngineError as exc:
            problems.append(f"au {day.isoformat()} : {exc}")
    return sorted(set(problems))


def check_all(rulesets=None) -> list[str]:
    """Load (strict validation) then check coverage; returns the problems found (empty: all good)."""
    kb = knowledge(rulesets)
    return coverage_problems(kb)
