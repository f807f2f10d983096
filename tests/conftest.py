"""Collects tests/cases/*.yaml: each case is a legal statement checked against evaluate()."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.testing import check_case, load_cases


def pytest_collect_file(parent, file_path: Path):
    if file_path.suffix == ".yaml" and file_path.parent.name == "cases":
        return YamlCaseFile.from_parent(parent, path=file_path)
    return None


class YamlCaseFile(pytest.File):
    def collect(self):
        for case in load_cases(self.path):
            yield YamlCase.from_parent(self, name=case["name"], case=case)


class CaseFailed(Exception):
    pass


class YamlCase(pytest.Item):
    def __init__(self, *, case, **kwargs):
        super().__init__(**kwargs)
        self.case = case

    def runtest(self):
        diffs = check_case(self.case)
        if diffs:
            raise CaseFailed(diffs)

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CaseFailed):
            lines = "\n".join(f"  - {d}" for d in excinfo.value.args[0])
            return f"{self.path.name}: {self.name}:\n{lines}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"cas : {self.name}"


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="réécrire les instantanés tests/golden/ à partir des documents générés")
    parser.addoption("--all", action="store_true", default=False, dest="all_tests",
                     help="lancer aussi les tests lents (marqués slow) ; implicite quand CI=true")


def pytest_collection_modifyitems(config, items):
    """A developer's default run leaves out the slow tests (subprocesses, LibreOffice, threads, hypothesis,
    broken rulesets copies); `--all`, or CI=true as .ci/run sets it, runs everything."""
    if config.getoption("all_tests") or os.environ.get("CI", "").lower() == "true" or config.getoption("markexpr"):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]


# Property-based tests (tests/test_properties.py): a fast default profile; the "thorough" profile runs
# ≥ 10 000 cases per input-model property:
#   python -m pytest tests/test_properties.py --hypothesis-profile=thorough   (or CLAUSIER_HYPOTHESIS=thorough)
try:
    import os as _os

    from hypothesis import HealthCheck
    from hypothesis import settings as _hyp_settings

    _hyp_settings.register_profile("rapide", max_examples=50, deadline=None)
    _hyp_settings.register_profile("thorough", max_examples=10_000, deadline=None,
                                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    _hyp_settings.load_profile(_os.environ.get("CLAUSIER_HYPOTHESIS", "rapide"))
except ImportError:  # pragma: no cover - hypothesis is a test extra
    pass


@pytest.fixture(name="runner")
def _runner():
    """A CliRunner keeping stdout and stderr apart (shared by the CLI and batch tests)."""
    return CliRunner()
