"""The one door to durable-rules: `RuleHost.ensure` registers a compiled ruleset, `RuleHost.run` takes a
fact and returns the rules fired, in order. No other module of clausier imports durable.

A Host without its timer threads (they race with the caller, TECH-NOTES §1.5), one fresh session id per
evaluation deleted in `finally`, and any failure inside a rule action raised again. Evaluations are
serialised by a lock: the C engine holds the GIL anyway, and the lock keeps lazy ruleset registration
consistent under threads.

`run()` drives durable's C agenda itself (assert, start action, complete and start the next) instead of
going through `Host.assert_fact`: durable's Python glue re-serialises the session state to JSON and builds
a closure for every action, which cost more than the matching itself (≈ 60 % of an evaluation). The C
engine still does all the matching, salience ordering and chaining; derived facts are still asserted
through durable's `Closure.assert_fact`, exactly as an action would. `tests/durable_reference.py` runs the
same rulesets through durable's own host, and `tests/test_durable_door.py` checks both fire the same rules.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import threading
from decimal import Decimal
from typing import Callable


def _load_durable_engine():
    """durable's C extension, also when durable-rules 2.0.28 was built for Python 3.13 as released.

    That build references `PyEval_CallObject` (removed in 3.13) in its storage callbacks only (store, delete,
    queue and fetch messages, idle state), which durable calls only when a host registers them: clausier
    never does (RuleHost below). Binding the extension's symbols lazily lets it load, the missing one never
    being looked up. Any other import failure is left as it is (see cli.py for the message users get).
    """
    try:
        import durable_rules_engine
    except ImportError as exc:
        if "PyEval_CallObject" not in str(exc) or not hasattr(os, "RTLD_LAZY"):
            raise
        flags = sys.getdlopenflags()
        sys.setdlopenflags(os.RTLD_LAZY)
        try:
            import durable_rules_engine
        finally:
            sys.setdlopenflags(flags)
    return durable_rules_engine


durable_rules_engine = _load_durable_engine()
from durable.engine import (  # noqa: E402 - after the extension is loaded the way _load_durable_engine does
    Closure,
    Host,
    MessageNotHandledException,
    MessageObservedException,
)

from engine.errors import EvaluationError


class _SyncHost(Host):
    def _run(self):  # no dispatch/timer threads: every action runs inside assert_fact
        pass


_NOT_HANDLED, _OBSERVED = 1, 2


class RuleHost:
    """Registers compiled rulesets and runs one isolated evaluation at a time."""

    def __init__(self):
        self._host = _SyncHost()
        self._lock = threading.RLock()
        # ruleset name -> (durable Ruleset, {durable rule name: (rule index, facts it asserts)})
        self._compiled: dict[str, tuple[object, dict[str, tuple[int, tuple[str, ...]]]]] = {}
        self._sids = itertools.count(1)

    def ensure(self, name: str, build: Callable[[], dict]) -> None:
        """Register ruleset `name` once, from the durable definition `build()` returns."""
        with self._lock:
            if name not in self._compiled:
                definition = build()
                actions = {rule: (run.index, run.asserts) for rule, spec in definition.items()
                           if (run := spec.get("run")) is not None and hasattr(run, "asserts")}
                self._host.register_rulesets({name: definition})
                self._compiled[name] = (self._host.get_ruleset(name), actions)

    def action(self, index: int, asserts: tuple[str, ...]):
        """The durable action of rule `index`, which asserts `asserts` (the facts other rules consume).

        `run()` reads `index` and `asserts` from it and performs the action's steps itself: durable never
        calls the body, which only says so if it ever were.
        """

        def act(c):  # exactly one positional parameter: two would make durable treat it as async
            raise RuntimeError("clausier runs its actions itself (RuleHost.run)")

        act.index, act.asserts = index, asserts
        return act

    def run(self, ruleset: str, fact: dict) -> list[int]:
        """Assert the market fact in a fresh session; return the indexes of the rules fired, in order."""
        with self._lock:
            rs, actions = self._compiled[ruleset]
            handle = rs._handle
            sid = f"s{next(self._sids)}"
            fired: list[int] = []
            facts: set[str] = set()
            state_handle = None
            try:
                result = durable_rules_engine.assert_fact(handle, _fact_json(dict(fact, sid=sid)))
                if result[0] == _NOT_HANDLED:
                    return fired
                if result[0] == _OBSERVED:  # pragma: no cover - one fact per fresh session
                    raise EvaluationError(f"fait déjà observé : {fact}")
                started = durable_rules_engine.start_action_for_state(handle, result[1])
                if not started:
                    return fired
                state_handle = result[1]
                closure = Closure(self._host, rs, json.loads(started[0]), {}, state_handle)
                message = started[1]
                while message:
                    index, asserts = actions[_action_name(message)]
                    fired.append(index)
                    for name in asserts:
                        if name not in facts:
                            facts.add(name)
                            closure.assert_fact({"t": "fait", "nom": name})
                    # the session state is never modified by our actions: no update_state needed
                    message = durable_rules_engine.complete_and_start_action(handle, state_handle)
                state_handle = None
                return fired
            except Exception as exc:
                # durable's own errors say all there is; any other failure keeps its cause for --debug
                ours = isinstance(exc, (MessageNotHandledException, MessageObservedException, KeyError,
                                        durable_rules_engine.error))
                raise EvaluationError(f"une règle a échoué : {exc.__class__.__name__} : {exc}") from (
                    None if ours else exc)
            finally:
                if state_handle is not None:  # an action failed half-way: release it before deleting
                    try:
                        durable_rules_engine.abandon_action(handle, state_handle)
                    except durable_rules_engine.error:
                        pass
                try:
                    durable_rules_engine.delete_state(handle, sid)
                except durable_rules_engine.error:
                    pass

    def close(self) -> None:
        """Free the C rulesets (Host never does)."""
        with self._lock:
            for rs in self._host._ruleset_list:
                durable_rules_engine.delete_ruleset(rs._handle)
            self._host._ruleset_list.clear()
            self._host._ruleset_directory.clear()
            self._compiled.clear()


def _fact_json(fact: dict) -> str:
    """The fact as JSON durable's C parser accepts: it rejects exponents (`1e-05` -> error 204), which
    Python writes for small floats (an amount of 0,00001 €, a weight of 1e-06 %): those are written out."""
    text = json.dumps(fact, ensure_ascii=False)
    if "e-" not in text and "e+" not in text:
        return text
    items = []
    for key, value in fact.items():
        plain = isinstance(value, float) and "e" in repr(value)
        raw = format(Decimal(repr(value)), "f") if plain else json.dumps(value, ensure_ascii=False)
        items.append(f"{json.dumps(key, ensure_ascii=False)}: {raw}")
    return "{" + ", ".join(items) + "}"


def _action_name(message: str) -> str:
    """The rule name of a durable action message `{"<rule>": {...}}` (rule names are plain ASCII ids)."""
    if message.startswith('{"'):
        end = message.find('"', 2)
        if end > 2 and "\\" not in message[2:end]:
            return message[2:end]
    return next(iter(json.loads(message)))
