"""The law of each period compiled for durable-rules: one ruleset per epoch (span of dates on which the
rules and parameter values in force do not change), registered once with the rule host.

`compiled(kb)` gives the compiled law of a loaded knowledge base, made on first use and kept as long as the
knowledge base is (the knowledge cache keeps it for the process's life). Parameter names in conditions are
replaced by their values on the epoch's dates.
"""

from __future__ import annotations

import bisect
import datetime as dt
import threading
import weakref
from dataclasses import dataclass, field

from engine.errors import NoApplicableVersion
from engine.law.knowledge import KnowledgeBase
from engine.law.parameters import ParamValue
from engine.law.rules import Comparison, Rule
from engine.reasoning.durable_door import RuleHost


@dataclass
class Epoch:
    """Rules and parameter values in force on a span of dates, compiled and registered once."""

    name: str
    start: dt.date | None
    end: dt.date | None
    rules: list[Rule]
    values: dict[str, ParamValue] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)  # rule messages filled with this period's values


def compile_condition(rule: Rule, resolve) -> list[dict]:
    """The durable-rules `all` list of one rule; `resolve(name)` gives a parameter's value."""
    tests: list[dict] = [{"t": "marche"}]
    for field_name, test in rule.when.marche.items():
        if isinstance(test, list):
            tests.append({"$or": [{field_name: v} for v in test]})
        elif isinstance(test, Comparison):
            if test.in_ is not None:
                tests.append({"$or": [{field_name: v} for v in test.in_]})
            if test.not_in is not None:
                tests.extend({"$neq": {field_name: v}} for v in test.not_in)
            for op, bound in (("$gte", test.gte), ("$gt", test.gt), ("$lt", test.lt), ("$lte", test.lte)):
                if bound is not None:
                    tests.append({op: {field_name: resolve(bound) if isinstance(bound, str) else bound}})
        else:
            tests.append({field_name: test})
    patterns: list[dict] = [{"m": {"$and": tests}}]
    for i, fact in enumerate(rule.when.faits):
        patterns.append({f"f{i}": {"$and": [{"t": "fait"}, {"nom": fact}]}})
    return patterns


class CompiledLaw:
    """The epochs of one knowledge base, compiled on demand, and the host that runs them."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.host = RuleHost()
        self._epochs: dict[int, Epoch] = {}
        self._lock = threading.Lock()

    def epoch(self, on: dt.date) -> Epoch:
        """Compile (once) and return the ruleset in force on `on`."""
        idx = bisect.bisect_right(self.kb.bounds, on)
        cached = self._epochs.get(idx)
        if cached is not None:
            return cached
        with self._lock:
            cached = self._epochs.get(idx)
            if cached is None:
                cached = self._compile(idx, on)
                self._epochs[idx] = cached
        return cached

    def epochs(self) -> list[Epoch]:
        """The epochs compiled so far."""
        return list(self._epochs.values())

    def compile_all(self) -> None:
        """Compile every period the rules cover (before forking workers, so that they share them)."""
        for on in self.kb.bounds:
            try:
                self.epoch(on)
            except NoApplicableVersion:  # a period outside the covered dates: refused when asked for
                pass

    def _compile(self, idx: int, on: dt.date) -> Epoch:
        kb = self.kb
        rules = [r for r in kb.rules if r.applies_on(on)]
        values: dict[str, ParamValue] = {}
        for r in rules:
            for name in r.used_parameters:
                values[name] = kb.params.value(name, on, needed_by=r.id)
        for name in kb.engine_parameters():
            values[name] = kb.params.value(name, on)
        consumed = {f for r in rules for f in r.when.faits}
        definition = {}
        for i, r in enumerate(rules):
            asserts = tuple(f for f in r.then.faits if f in consumed)
            definition[f"r{i:03d}_{r.id}"[:200]] = {
                "all": compile_condition(r, lambda n: values[n].value),
                "run": self.host.action(i, asserts),
                # Salience only orders the trace so it reads as reasoning: rules that establish facts
                # (thresholds, obligations) fire before the conclusions drawn from them.
                "pri": 0 if asserts else 1,
            }
        start = kb.bounds[idx - 1] if idx > 0 else None
        end = kb.bounds[idx] if idx < len(kb.bounds) else None
        name = f"clausier_{kb.version}_{idx}".replace(".", "_").replace("+", "_")
        self.host.ensure(name, lambda: definition)
        return Epoch(name=name, start=start, end=end, rules=rules, values=values)


_COMPILED: weakref.WeakKeyDictionary[KnowledgeBase, CompiledLaw] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def compiled(kb: KnowledgeBase) -> CompiledLaw:
    """The compiled law of `kb` (made once per knowledge base)."""
    law = _COMPILED.get(kb)
    if law is None:
        with _LOCK:
            law = _COMPILED.get(kb)
            if law is None:
                law = _COMPILED[kb] = CompiledLaw(kb)
    return law
