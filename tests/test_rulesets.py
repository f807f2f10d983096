"""The rulesets: strict loading, references on every rule and value, temporal coverage (Catala style)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from engine.errors import RulesetError
from engine.law.knowledge import KnowledgeBase, knowledge
from engine.reasoning.rules_check import (
    coverage_problems,
    date_grid,
    grid_span,
)
from engine.resources import rulesets_dir


@pytest.fixture(name="kb")
def _kb():
    """The shipped knowledge base."""
    return knowledge()


class TestLint:
    def test_unverified_references_exist_and_carry_a_note(self, kb):
        """UNVERIFIED points from the legal notes are flagged, each with an explanation."""
        unverified = [r for r in kb.references.values() if not r.verified]
        assert len(unverified) >= 5
        assert all(r.note for r in unverified if r.code not in ("Pratique",)), [r.id for r in unverified]

    def test_python_holds_no_article_numbers(self):
        """Legal article numbers live in rulesets/, never in the strings of engine/ or cli.py code."""
        import ast
        import re

        pattern = re.compile(r"\b[LRD]\d{4}-\d+")
        root = Path(__file__).resolve().parent.parent
        for path in [*(root / "engine").rglob("*.py"), root / "cli.py"]:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = {
                id(node.body[0].value) for node in ast.walk(tree)
                if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef))
                and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
            }
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                    assert not pattern.search(node.value), f"{path.name}: {node.value[:80]}"


class TestCoverage:
    def test_every_family_and_parameter_has_exactly_one_version_on_every_grid_date(self, kb):
        """Over the span the data covers (2022-2027 today), no gap and no overlap (day before and day of each change)."""
        assert grid_span(kb) == (dt.date(2022, 1, 1), dt.date(2027, 12, 31))
        assert coverage_problems(kb) == []

    def test_the_grid_follows_the_data_not_a_constant(self, tmp_path):
        """Publishing the 2028-2029 thresholds (here: ending them a year later) moves the grid's end with them."""
        copy = tmp_path / "rulesets"
        shutil.copytree(rulesets_dir(), copy)
        for path in (copy / "parameters" / "seuils_ue").glob("*.yaml"):
            path.write_text(path.read_text(encoding="utf-8").replace("2028-01-01:", "2029-01-01:"), encoding="utf-8")
        kb2 = KnowledgeBase(copy)
        assert grid_span(kb2)[1] == dt.date(2028, 12, 31) and kb2.coverage()[1] == dt.date(2028, 12, 31)

    def test_the_grid_includes_both_sides_of_each_change(self, kb):
        """The grid checks the day before and the day of 2026-08-21, 2026-04-01 and 2026-01-01."""
        grid = date_grid(*grid_span(kb), kb.bounds)
        for change in (dt.date(2026, 8, 21), dt.date(2026, 4, 1), dt.date(2026, 1, 1)):
            assert change in grid and change - dt.timedelta(days=1) in grid

    def test_a_gap_is_reported(self, tmp_path):
        """Removing the 2026-2027 works threshold leaves a gap the coverage check finds."""
        copy = tmp_path / "rulesets"
        shutil.copytree(rulesets_dir(), copy)
        path = copy / "parameters" / "seuils_ue" / "travaux.yaml"
        text = path.read_text(encoding="utf-8").replace("  2026-01-01: {references: [ue_seuils_2026_2027, ccp_annexe2], value: 5404000}\n", "")
        path.write_text(text.replace("2028-01-01", "2026-01-01"), encoding="utf-8")
        problems = coverage_problems(KnowledgeBase(copy))
        assert any("seuils_ue.travaux" in p and "2026-01-01" in p for p in problems)


class TestBrokenRulesets:
    def _copy(self, tmp_path) -> Path:
        copy = tmp_path / "rulesets"
        shutil.copytree(rulesets_dir(), copy)
        return copy

    def test_overlapping_versions_of_a_family_are_refused(self, tmp_path):
        """Two versions of one rule family may not both apply on a date."""
        copy = self._copy(tmp_path)
        path = copy / "rules" / "ccp_conditions_execution.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("  valid_until: 2026-08-21\n  references: [ccp_l2112_2, loi_climat_art35]",
                                                                "  valid_until: 2026-09-01\n  references: [ccp_l2112_2, loi_climat_art35]", 1),
                        encoding="utf-8")
        with pytest.raises(RulesetError) as err:
            KnowledgeBase(copy)
        assert "chevauche" in str(err.value)
