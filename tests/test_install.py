"""Installation problems never end in a traceback: durable-rules built for Python 3.13 as released loads, and
an extension that cannot load gives a French message saying what to run (exit 5)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)

ROOT = Path(__file__).resolve().parent.parent


def _run(tmp_path: Path, fake_engine: str, *args: str) -> subprocess.CompletedProcess:
    """`clausier ARGS` with a `durable_rules_engine` module of ours found first on the path."""
    (tmp_path / "durable_rules_engine.py").write_text(textwrap.dedent(fake_engine), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)])}
    return subprocess.run([sys.executable, "-c", "import cli; cli.main()", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)


# Behaves like durable-rules 2.0.28 built for 3.13: loads only when symbols are bound lazily, then it is the
# real extension.
PY313_BUILD = f"""
    import importlib.machinery, importlib.util, os, sys
    if sys.getdlopenflags() & os.RTLD_NOW:
        raise ImportError("durable_rules_engine.cpython-313-x86_64-linux-gnu.so: undefined symbol: PyEval_CallObject")
    real = [p for p in {sys.path!r} if p and os.path.isdir(p)]
    spec = importlib.machinery.PathFinder.find_spec("durable_rules_engine", real)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules["durable_rules_engine"] = module
"""


def test_a_313_build_of_durable_loads_and_clausier_works(tmp_path):
    """The extension that refuses immediate binding is loaded lazily; evaluation runs normally."""
    result = _run(tmp_path, PY313_BUILD, "evaluate", str(ROOT / "examples" / "travaux_condition_execution.json"))
    assert result.returncode == 0, result.stderr
    assert '"allowed": true' in result.stdout


def test_an_extension_that_cannot_load_is_explained_in_french(tmp_path):
    """Any other loading failure: exit 5, what to install and run, in French; JSON when asked; no traceback."""
    broken = 'raise ImportError("cannot open shared object file", name="durable_rules_engine")\n'
    text = _run(tmp_path, broken, "validate", str(ROOT / "examples" / "travaux_condition_execution.json"))
    assert text.returncode == 5
    assert text.stderr.startswith("Erreur : installation incomplète de clausier")
    assert "pip install --force-reinstall" in text.stderr and "Traceback" not in text.stderr
    as_json = _run(tmp_path, broken, "schema", "--format", "json")
    assert as_json.returncode == 5 and '"code": "installation_incomplete"' in as_json.stderr
    debug = _run(tmp_path, broken, "--debug", "schema")
    assert debug.returncode != 0 and "Traceback" in debug.stderr and "cannot open shared object" in debug.stderr
