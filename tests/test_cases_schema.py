"""The YAML legal cases: a strict schema (a misspelt key fails instead of silently checking nothing) and
every rule of the shipped rulesets fired by at least one case."""

from __future__ import annotations

from pathlib import Path

import pytest

import engine
from engine.law.knowledge import knowledge
from engine.testing import load_cases

CASES = Path(__file__).parent / "cases"
_GOOD = "- name: Un cas\n  input: {segment: travaux, amount: 1, procedure: appel_offres, buyer_type: etat}\n"


@pytest.mark.parametrize("body, named", [
    (_GOOD + "  expectd: {fired: [x]}\n", "expectd"),
    (_GOOD + "  expected: {fird: [x]}\n", "fird"),
    (_GOOD + "  expected: {outputs: {alowed: true}}\n", "alowed"),
    (_GOOD + "  expected: {lots: {'1': {hour: 3}}}\n", "hour"),
    (_GOOD + "  expected: {fired: [x]}\n  note: libre\n", "note"),
])
def test_an_unknown_or_misspelt_key_is_refused_with_the_case_name(tmp_path, body, named):
    path = tmp_path / "cas.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        load_cases(path)
    assert named in str(err.value) and "Un cas" in str(err.value)


def test_a_case_without_expectations_is_refused(tmp_path):
    path = tmp_path / "cas.yaml"
    path.write_text(_GOOD, encoding="utf-8")
    with pytest.raises(ValueError, match="expected"):
        load_cases(path)


def test_every_shipped_case_file_loads():
    for path in sorted(CASES.glob("*.yaml")):
        assert load_cases(path), path.name


def test_every_rule_fires_in_at_least_one_case():
    """A rule no case reaches is law nobody checked: each one fires in some legal case."""
    fired: set[str] = set()
    for path in sorted(CASES.glob("*.yaml")):
        for case in load_cases(path):
            if "error" in case["expected"]:
                continue
            fired |= {step.rule for step in engine.evaluate(case["input"]).trace}
    never = sorted(r.id for r in knowledge().rules if r.id not in fired)
    assert never == [], f"règles qu'aucun cas ne déclenche : {never}"
