"""`clausier generate` from a cold process to the written file, against the interpreter's own start.

Each run is a new Python process: `python -c "import cli; cli.main()" generate EXAMPLE -o OUT --force`
(what the `clausier` entry point runs). Baseline printed beside it: `python -c pass`. Target ≤ 0.5 s.
The children run with bytecode caching on, as after `pip install` (which compiles every module): an
environment with PYTHONDONTWRITEBYTECODE=1 recompiles clausier's modules from source at every start.

    /work/venv/bin/python bench/cold_start.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, verdict

RUNS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
TARGET_S = 0.5


ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    return time.perf_counter() - t


def main() -> None:
    out = Path(tempfile.mkdtemp()) / "clause.docx"
    generate = [sys.executable, "-c", "import cli; cli.main()", "generate",
                str(ROOT / "examples" / "travaux_condition_execution.json"), "-o", str(out), "--force"]
    evaluate = [sys.executable, "-c", "import cli; cli.main()", "evaluate",
                str(ROOT / "examples" / "travaux_condition_execution.json")]
    floor = [sys.executable, "-c", "pass"]
    timed(generate)  # page cache warm, bytecode and Jinja caches written
    timed(evaluate)
    samples = {"floor": [], "evaluate": [], "generate": []}
    for _ in range(RUNS):
        samples["floor"].append(timed(floor))
        samples["evaluate"].append(timed(evaluate))
        samples["generate"].append(timed(generate))
    med = {k: statistics.median(v) for k, v in samples.items()}
    low = {k: min(v) for k, v in samples.items()}  # the least disturbed run, on a shared machine
    assert out.read_bytes()[:2] == b"PK"
    print(f"{RUNS} lancements, médiane (minimum) ; charge moyenne {os.getloadavg()[0]:.2f}")
    print(f"python -c pass (plancher)        : {med['floor']:.3f} s ({low['floor']:.3f})")
    print(f"clausier evaluate (sans Word)    : {med['evaluate']:.3f} s ({low['evaluate']:.3f})")
    print(f"clausier generate -> .docx écrit : {med['generate']:.3f} s ({low['generate']:.3f}) "
          f"(cible ≤ {TARGET_S} s) : {verdict(med['generate'] <= TARGET_S)}")


if __name__ == "__main__":
    main()
