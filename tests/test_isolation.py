"""Engine isolation: threads give the same results as one at a time; a failing action leaves nothing behind.

An embedding web server calls `evaluate` and `render` from many threads; a rule action may fail (a bug, a
broken organisation ruleset, Ctrl-C). Neither may change the next evaluation's result or leak durable
sessions (the C engine allows 1 024 live sessions per ruleset: a leak shows up as MemoryError).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import durable.engine
import pytest

import engine

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))


def _markets() -> list[dict]:
    """Varied markets: the examples, plus a grid over segments, amounts, buyers, modes and dates."""
    markets = [json.loads(p.read_text(encoding="utf-8")) for p in EXAMPLES]
    grid = itertools.product(
        ("travaux", "proprete", "informatique", "fournitures", "restauration"),
        (30_000, 250_000, 6_000_000),
        (("collectivite", "appel_offres"), ("etat", "procedure_adaptee"), ("entreprise", "consultation")),
        (None, "condition_execution", "critere_attribution"),
        ("2026-06-01", "2026-11-24"),
    )
    for segment, amount, (buyer, procedure), mode, day in grid:
        market = {"segment": segment, "amount": amount, "procedure": procedure, "buyer_type": buyer,
                  "launch_date": day}
        if mode:
            market["mode"] = mode
        markets.append(market)
    return markets


MARKETS = _markets()


def _result(market: dict) -> str:
    try:
        return engine.evaluate(market).model_dump_json()
    except engine.EngineError as exc:  # some grid points are refused: the refusal must be stable too
        return f"{type(exc).__name__}: {exc}"


class TestThreads:
    def test_eight_threads_give_the_sequential_results(self):
        """8 threads × every market, shuffled orders: each result equals the one computed alone."""
        expected = {i: _result(m) for i, m in enumerate(MARKETS)}
        jobs = [i for _ in range(4) for i in range(len(MARKETS))]
        jobs = jobs[::3] + jobs[1::3] + jobs[2::3]
        with ThreadPoolExecutor(max_workers=8) as pool:
            got = list(pool.map(lambda i: (i, _result(MARKETS[i])), jobs))
        mismatches = [i for i, r in got if r != expected[i]]
        assert len(got) == len(jobs) > 500
        assert mismatches == []

    def test_threads_rendering_documents_give_identical_bytes(self):
        """Documents rendered from 4 threads are byte-identical to those rendered one at a time."""
        decisions = [engine.evaluate(json.loads(p.read_text(encoding="utf-8"))) for p in EXAMPLES]
        decisions = [d for d in decisions if d.allowed][:4]
        expected = [engine.render(d) for d in decisions]
        barrier = threading.Barrier(4)

        def work(k):
            barrier.wait()
            return [engine.render(decisions[(k + j) % len(decisions)]) for j in range(len(decisions))]

        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(work, range(4)))
        for k, docs in enumerate(results):
            for j, data in enumerate(docs):
                assert data == expected[(k + j) % len(decisions)]

    def test_threads_preparing_the_templates_together_give_identical_bytes(self, monkeypatch):
        """From a cold cache, 8 threads racing to prepare the same templates write the same bytes."""
        from engine import documents
        from engine.documents import template_files

        decisions = [engine.evaluate(json.loads(p.read_text(encoding="utf-8"))) for p in EXAMPLES]
        decisions = [d for d in decisions if d.allowed]
        expected = [engine.render(d) for d in decisions]
        monkeypatch.setattr(template_files, "_TEMPLATES", {})
        barrier = threading.Barrier(8)

        def work(k):
            barrier.wait()
            order = [(k + j) % len(decisions) for j in range(len(decisions))]
            return [(i, engine.render(decisions[i])) for i in order]

        with ThreadPoolExecutor(max_workers=8) as pool:
            results = [pair for chunk in pool.map(work, range(8)) for pair in chunk]
        assert [i for i, data in results if data != expected[i]] == []
        assert len(template_files._TEMPLATES) == len({documents.template_name(d) for d in decisions})


class TestFailingActions:
    MARKET = {"segment": "travaux", "amount": 6_000_000, "procedure": "appel_offres", "buyer_type": "collectivite",
              "mode": "condition_execution", "launch_date": "2026-09-01"}

    @pytest.mark.parametrize("error", [RuntimeError("panne"), ValueError("valeur"), KeyboardInterrupt()],
                             ids=["RuntimeError", "ValueError", "KeyboardInterrupt"])
    def test_a_failing_action_leaves_no_state_for_the_next_evaluation(self, monkeypatch, error):
        """1 100 evaluations whose action fails (more than durable's 1 024 live sessions), then a normal one."""
        before = engine.evaluate(self.MARKET).model_dump_json()
        calls = {"n": 0}
        original = durable.engine.Closure.assert_fact

        def failing(self, *args):
            calls["n"] += 1
            raise error

        monkeypatch.setattr(durable.engine.Closure, "assert_fact", failing)
        expected = KeyboardInterrupt if isinstance(error, KeyboardInterrupt) else engine.EvaluationError
        for _ in range(1_100):
            with pytest.raises(expected):
                engine.evaluate(self.MARKET)
        assert calls["n"] >= 1_100
        monkeypatch.setattr(durable.engine.Closure, "assert_fact", original)
        assert engine.evaluate(self.MARKET).model_dump_json() == before

    def test_an_action_failing_in_one_thread_does_not_disturb_the_others(self, monkeypatch):
        """While one thread's evaluations fail, the others' results are unchanged."""
        expected = {i: _result(m) for i, m in enumerate(MARKETS[:40])}
        original = durable.engine.Closure.assert_fact
        poisoned = threading.local()

        def sometimes(self, *args):
            if getattr(poisoned, "on", False):
                raise RuntimeError("panne dans ce thread seulement")
            return original(self, *args)

        monkeypatch.setattr(durable.engine.Closure, "assert_fact", sometimes)

        def failing_thread():
            poisoned.on = True
            failures = 0
            for _ in range(300):
                try:
                    engine.evaluate(self.MARKET)
                except engine.EvaluationError:
                    failures += 1
            return failures

        with ThreadPoolExecutor(max_workers=5) as pool:
            bad = pool.submit(failing_thread)
            good = [pool.submit(lambda: [(i, _result(MARKETS[i])) for i in expected]) for _ in range(4)]
            assert bad.result() == 300
            for future in good:
                assert all(r == expected[i] for i, r in future.result())

    def test_the_evaluation_error_names_the_failure_in_french(self, monkeypatch):
        """The error raised says a rule failed, in French, without a durable traceback."""
        def failing(self, *args):
            raise RuntimeError("panne simulée")

        monkeypatch.setattr(durable.engine.Closure, "assert_fact", failing)
        with pytest.raises(engine.EvaluationError, match="une règle a échoué.*panne simulée"):
            engine.evaluate(self.MARKET)


def test_many_evaluations_do_not_exhaust_durable_sessions():
    """3 000 evaluations in a row (three times durable's live-session limit) all succeed."""
    market = dict(TestFailingActions.MARKET, launch_date=dt.date(2026, 10, 1).isoformat())
    first = engine.evaluate(market).model_dump_json()
    for _ in range(3_000):
        engine.evaluate(market)
    assert engine.evaluate(market).model_dump_json() == first
