"""Rules only and full evaluate(), per market, on one core.

Rules only = the engine run (durable-rules assert + actions + chaining) on the market facts evaluate()
builds, measured side by side with the baseline: the same facts through durable's own Python host
(`Host.assert_fact`, as clausier ran them before). Both must fire the same rules.

    /work/venv/bin/python bench/rules.py [N]
"""

from __future__ import annotations

import sys
import time

from _common import ROOT, markets, verdict

import engine
from engine.law.knowledge import knowledge
from engine.market.reading import parse_market
from engine.reasoning.compiled import compiled

sys.path.insert(0, str(ROOT / "tests"))
from durable_reference import ReferenceHost  # noqa: E402 - durable's own host, as clausier ran it before

N = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
TARGET_MS = 0.5


def main() -> None:
    parsed = [parse_market(m) for m in markets(N)]
    law = compiled(knowledge())
    runs: list[tuple[str, dict]] = []
    real = law.host.run
    law.host.run = lambda name, fact: runs.append((name, fact)) or real(name, fact)
    for m in parsed:  # also warms every epoch up
        engine.evaluate(m)
    del law.host.run
    reference = ReferenceHost()
    for epoch in law.epochs():
        reference.register(epoch)

    mismatches = sum(real(n, f) != reference.run(n, f) for n, f in runs[:2000])
    best = {"clausier": float("inf"), "durable": float("inf"), "evaluate": float("inf")}
    for _ in range(3):  # best of 3 rounds, alternated, to see through a noisy shared machine
        t = time.perf_counter()
        for n, f in runs:
            real(n, f)
        best["clausier"] = min(best["clausier"], time.perf_counter() - t)
        t = time.perf_counter()
        for n, f in runs:
            reference.run(n, f)
        best["durable"] = min(best["durable"], time.perf_counter() - t)
        t = time.perf_counter()
        for m in parsed:
            engine.evaluate(m)
        best["evaluate"] = min(best["evaluate"], time.perf_counter() - t)

    per = {k: v / N * 1000 for k, v in best.items()}
    print(f"{N} marchés, {len(runs) / N:.2f} exécutions des règles par marché (2 sans mode demandé), "
          f"{mismatches} écart sur 2000 comparés")
    print(f"règles seules, clausier      : {per['clausier']:.3f} ms/marché ({1000 / per['clausier']:,.0f} marchés/s)")
    print(f"règles seules, hôte durable  : {per['durable']:.3f} ms/marché (référence : ancien chemin)")
    print(f"  rapport référence / clausier : {per['durable'] / per['clausier']:.2f}×")
    print(f"  cible ≤ {TARGET_MS} ms/marché (≥ 2 000/s) : {verdict(per['clausier'] <= TARGET_MS)}")
    print(f"evaluate() complet            : {per['evaluate']:.3f} ms/marché ({1000 / per['evaluate']:,.0f} marchés/s)")


if __name__ == "__main__":
    main()
