"""Reference: the compiled rulesets run through durable-rules' own Python host (`Host.assert_fact`, its
actions called by durable), as clausier ran them before `RuleHost.run` drove the agenda itself.

Used by `tests/test_durable_door.py` (both must fire the same rules on the same facts) and by
`bench/rules.py` (the baseline of the rules-only timing).
"""

from __future__ import annotations

import uuid

import durable_rules_engine
from durable.engine import Host, MessageNotHandledException

from engine.reasoning.compiled import Epoch, compile_condition


class _SyncHost(Host):
    def _run(self):  # no dispatch/timer threads: every action runs inside assert_fact
        pass


class ReferenceHost:
    """One durable Host with the same definitions as clausier's, registered under the same names."""

    def __init__(self):
        self._host = _SyncHost()
        self._sessions: dict[str, dict] = {}
        self._registered: set[str] = set()

    def _action(self, index: int, asserts: tuple[str, ...]):
        def act(c):
            session = self._sessions[c.s.sid]
            session["fired"].append(index)
            for name in asserts:
                if name not in session["facts"]:
                    session["facts"].add(name)
                    c.assert_fact({"t": "fait", "nom": name})

        return act

    def register(self, epoch: Epoch) -> None:
        """Compile `epoch`'s rules exactly as `engine.reasoning.compiled` does, with durable-dispatched actions."""
        if epoch.name in self._registered:
            return
        consumed = {f for r in epoch.rules for f in r.when.faits}
        definition = {}
        for i, r in enumerate(epoch.rules):
            asserts = tuple(f for f in r.then.faits if f in consumed)
            definition[f"r{i:03d}_{r.id}"[:200]] = {
                "all": compile_condition(r, lambda n: epoch.values[n].value),
                "run": self._action(i, asserts),
                "pri": 0 if asserts else 1,
            }
        self._host.register_rulesets({epoch.name: definition})
        self._registered.add(epoch.name)

    def run(self, name: str, fact: dict) -> list[int]:
        sid = uuid.uuid4().hex
        session = self._sessions[sid] = {"fired": [], "facts": set()}
        try:
            self._host.assert_fact(name, dict(fact, sid=sid))
        except MessageNotHandledException:
            pass
        finally:
            del self._sessions[sid]
            try:
                self._host.delete_state(name, sid)
            except durable_rules_engine.error:
                pass
        return session["fired"]
