"""Resident memory over 100 000 evaluations in one process (target: growth < 10 MiB).

RSS is read from /proc/self/status after a warm-up of 1 000 evaluations (start), then at 10 000 and
100 000. The markets cycle through 1 000 generated ones of every kind.

    /work/venv/bin/python bench/memory.py [N]
"""

from __future__ import annotations

import gc
import sys
import time

from _common import markets, verdict

import engine
from engine.market.reading import parse_market

N = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
TARGET_MIB = 10


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("VmRSS introuvable")


def main() -> None:
    parsed = [parse_market(m) for m in markets(1000)]
    for m in parsed:
        engine.evaluate(m)
    gc.collect()
    start = rss_mib()
    marks = {}
    t = time.perf_counter()
    for i in range(1, N + 1):
        engine.evaluate(parsed[i % len(parsed)])
        if i in (10_000, N):
            gc.collect()
            marks[i] = rss_mib()
    elapsed = time.perf_counter() - t
    growth = marks[N] - start
    print(f"{N} évaluations en {elapsed:.1f} s ({elapsed / N * 1000:.3f} ms chacune)")
    print(f"RSS départ {start:.1f} MiB ; à 10 000 : {marks.get(10_000, float('nan')):.1f} MiB ; "
          f"à {N} : {marks[N]:.1f} MiB")
    print(f"  croissance {growth:+.1f} MiB (cible < {TARGET_MIB} MiB) : {verdict(growth < TARGET_MIB)}")


if __name__ == "__main__":
    main()
