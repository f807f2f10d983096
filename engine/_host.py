"""The only module that talks to durable-rules.

A Host without its timer threads (they race with the caller, TECH-NOTES §1.5), one fresh session id per
evaluation deleted in `finally`, and the action's exceptions (swallowed by durable into the state) raised
again. Evaluations are serialised by a lock: the C engine holds the GIL anyway, and the lock keeps the
registry of live sessions and lazy ruleset registration consistent under threads.
"""

from __future__ import annotations

import threading
import uuid
from typing import Callable

import durable_rules_engine
from durable.engine import Host, MessageNotHandledException, MessageObservedException

from .errors import EvaluationError


class _SyncHost(Host):
    def _run(self):  # no dispatch/timer threads: every action runs inside assert_fact
        pass


class RuleHost:
    """Registers compiled rulesets and runs one isolated evaluation at a time."""

    def __init__(self):
        self._host = _SyncHost()
        self._lock = threading.RLock()
        self._sessions: dict[str, dict] = {}
        self._registered: set[str] = set()

    def ensure(self, name: str, build: Callable[[], dict]) -> None:
        """Register ruleset `name` once, from the durable definition `build()` returns."""
        with self._lock:
            if name not in self._registered:
                self._host.register_rulesets({name: build()})
                self._registered.add(name)

    def action(self, index: int, asserts: tuple[str, ...]):
        """A durable action recording rule `index` as fired and asserting its consumed facts."""

        def act(c):  # exactly one positional parameter: two would make durable treat it as async
            session = self._sessions[c.s.sid]
            session["fired"].append(index)
            for name in asserts:
                if name not in session["facts"]:
                    session["facts"].add(name)
                    c.assert_fact({"t": "fait", "nom": name})

        return act

    def run(self, ruleset: str, fact: dict) -> list[int]:
        """Assert the market fact in a fresh session; return the indexes of the rules fired, in order."""
        with self._lock:
            sid = uuid.uuid4().hex
            session = {"fired": [], "facts": set()}
            self._sessions[sid] = session
            state = None
            try:
                state = self._host.assert_fact(ruleset, dict(fact, sid=sid))
            except MessageNotHandledException:
                state = {}
            except MessageObservedException as exc:  # pragma: no cover - one fact per fresh session
                raise EvaluationError(f"fait déjà observé : {exc}") from None
            finally:
                self._sessions.pop(sid, None)
                try:
                    self._host.delete_state(ruleset, sid)
                except durable_rules_engine.error:
                    pass
            if state and "exception" in state:
                raise EvaluationError(f"une règle a échoué : {state['exception']}")
            return session["fired"]

    def close(self) -> None:
        """Free the C rulesets (Host never does)."""
        with self._lock:
            for rs in self._host._ruleset_list:
                durable_rules_engine.delete_ruleset(rs._handle)
            self._host._ruleset_list.clear()
            self._host._ruleset_directory.clear()
            self._registered.clear()
