"""A batch of N markets (default 10 000) on every core, against the same code on one core.

Writes N generated markets as JSON Lines, runs `engine.batch.run` with --jobs 1 on the first markets
(single-core rate, the baseline) and with all cores on the whole batch, then prints both rates, their
ratio (target ≥ 1.8× on 2 cores) and the total time (target ≤ 60 s for 10 000). Rules of every period
and every template are prepared before either run, as `batch.run` does before forking its workers, so
that neither run is charged for that one-time work; an untimed run of 200 markets first warms the file
system (the first few hundred files created after a pause are several times slower to write). The
single-core rate is also measured in a forked process, as the workers run: the bench's own process, which
holds the whole plan, is measurably slower per market on JSON output.

    /work/venv/bin/python bench/batch.py [N] [docx|json] [SINGLE_CORE_SAMPLE]
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import markets, verdict

from engine import batch

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
FMT = sys.argv[2] if len(sys.argv) > 2 else "docx"
SAMPLE = int(sys.argv[3]) if len(sys.argv) > 3 else min(N, 300 if FMT == "docx" else 2000)


def timed_run(items, jobs: int) -> tuple[float, float, list[dict]]:
    """Wall seconds, CPU seconds (this process and its workers) and the summary rows."""
    out = Path(tempfile.mkdtemp(prefix="clausier-bench-"))
    try:
        before, t = os.times(), time.perf_counter()
        rows = batch.run(items, out, batch.Options(fmt=FMT, freeze_heap=True), jobs=jobs)  # as the CLI runs it
        wall, after = time.perf_counter() - t, os.times()
        cpu = sum(getattr(after, f) - getattr(before, f)
                  for f in ("user", "system", "children_user", "children_system"))
        return wall, cpu, rows
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _timed_summary(items):
    wall, cpu, rows = timed_run(items, 1)
    return wall, cpu, len(rows)


def main() -> None:
    cores = os.cpu_count() or 1
    work = Path(tempfile.mkdtemp(prefix="clausier-plan-"))
    plan = work / "plan.jsonl"
    plan.write_text("".join(json.dumps(m, ensure_ascii=False) + "\n" for m in markets(N)), encoding="utf-8")
    items = batch.read_input(plan)
    batch.prepare(batch.Options(fmt=FMT), warm=True)  # both runs start warm (a pool warms up before forking)
    timed_run(items[:min(N, 200)], 1)  # untimed: first writes to the file system are slower, whoever does them
    one_s, one_cpu, _ = timed_run(items[:SAMPLE], 1)
    with multiprocessing.get_context("fork").Pool(1) as pool:  # the same, in a forked process like a worker
        fork_s, _, _ = pool.apply(_timed_summary, (items[:SAMPLE],))
    all_s, all_cpu, rows = timed_run(items, cores)
    shutil.rmtree(work, ignore_errors=True)
    c = batch.counts(rows)
    rate1, rate_n = SAMPLE / one_s, N / all_s
    print(f"{N} marchés, format {FMT} ({c[batch.WRITTEN]} écrits, {c[batch.REFUSED]} non admis, {c[batch.FAILED]} en erreur)")
    print(f"1 cœur  (référence, {SAMPLE} marchés) : {rate1:,.1f} marchés/s")
    print(f"1 cœur, processus séparé (comme un worker) : {SAMPLE / fork_s:,.1f} marchés/s "
          f"(accélération {cores} cœurs / celui-ci : {rate_n * fork_s / SAMPLE:.2f}×)")
    print(f"{cores} cœurs ({N} marchés)              : {rate_n:,.1f} marchés/s, {all_s:.1f} s au total "
          f"(cible ≤ 60 s pour 10 000) : {verdict(all_s * 10_000 / N <= 60)}")
    print(f"  accélération {cores} cœurs / 1 cœur : {rate_n / rate1:.2f}× (cible ≥ 1.8×) : "
          f"{verdict(rate_n / rate1 >= 1.8)}")
    # what the machine actually gave: a busy neighbour caps the speed-up whatever the code does
    print(f"  temps CPU par marché : {one_cpu / SAMPLE * 1000:.1f} ms sur 1 cœur, {all_cpu / N * 1000:.1f} ms "
          f"avec {cores} processus ; CPU obtenu pendant le lot : {all_cpu / all_s:.2f} cœur(s) sur {cores} ; "
          f"charge moyenne {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
