"""The durable door (`engine.reasoning.durable_door.RuleHost.run`) fires exactly what durable's own host
fires, on the facts evaluate() builds for the YAML cases, the examples and generated markets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from durable_reference import ReferenceHost

import engine
from engine.law.knowledge import knowledge
from engine.reasoning.compiled import compiled
from engine.testing import load_cases, markets

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)

ROOT = Path(__file__).resolve().parent.parent


def _inputs() -> list[dict]:
    cases = [c["input"] for f in sorted((ROOT / "tests" / "cases").glob("*.yaml")) for c in load_cases(f)
             if "error" not in c["expected"]]
    examples = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "examples").glob("*.json"))]
    return cases + examples + markets(600, seed=7)


@pytest.fixture(scope="module")
def runs(request) -> list[tuple[str, dict, list[int]]]:
    """Every (ruleset, fact, fired) the door saw while evaluating the inputs."""
    law = compiled(knowledge())
    seen: list[tuple[str, dict, list[int]]] = []
    real = law.host.run

    def recording(name, fact):
        fired = real(name, fact)
        seen.append((name, dict(fact), fired))
        return fired

    law.host.run = recording
    try:
        for market in _inputs():
            engine.evaluate(market)
    finally:
        del law.host.run
    return seen


def test_the_door_fires_what_durables_own_host_fires(runs):
    law = compiled(knowledge())
    reference = ReferenceHost()
    epochs = {e.name: e for e in law.epochs()}
    differences = []
    for name, fact, fired in runs:
        reference.register(epochs[name])
        expected = reference.run(name, fact)
        if expected != fired:
            differences.append((fact, fired, expected))
    assert len(runs) > 700 and len({n for n, _, _ in runs}) >= 4  # many facts, several periods of the law
    assert any(fired for _, _, fired in runs) and not differences, differences[:3]


def test_no_other_module_imports_durable():
    importers = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "engine").rglob("*.py")
                       if "import durable" in p.read_text(encoding="utf-8")
                       or "from durable" in p.read_text(encoding="utf-8"))
    assert importers == ["engine/reasoning/durable_door.py"]
