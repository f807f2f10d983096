"""One document end to end (evaluate + render) against a bare docxtpl render of the same template.

Baseline: docxtpl as documented — template bytes loaded once, `DocxTemplate(BytesIO)`, `render(context,
jinja_env)` with clausier's Jinja environment and the same context, `save(BytesIO)`. clausier: evaluate()
from the market plus render() (context, docxtpl, Word comments, highlighting, stable bytes). The two are
alternated market by market; medians are compared. Target: clausier ≤ 1.2 × baseline.

    /work/venv/bin/python bench/document.py [ROUNDS]
"""

from __future__ import annotations

import io
import json
import sys
import time

from _common import ROOT, median_ms, verdict
from docxtpl import DocxTemplate

import engine
from engine import documents
from engine.law.knowledge import knowledge

ROUNDS = int(sys.argv[1]) if len(sys.argv) > 1 else 10
TARGET = 1.2


def main() -> None:
    kb = knowledge()
    cases = []
    for path in sorted((ROOT / "examples").glob("*.json")):
        market = json.loads(path.read_text(encoding="utf-8"))
        decision = engine.evaluate(market)
        if decision.allowed:
            template = (documents.templates_dir() / documents.template_name(decision)).read_bytes()
            context = documents.build_context(decision, kb)
            cases.append((path.stem, market, template, context))
            engine.render(decision)  # warm-up: first compile of each template

    def bare(template: bytes, context: dict) -> bytes:
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.render(context, jinja_env=documents.jinja_env())
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()

    def clausier(market: dict) -> bytes:
        return engine.render(engine.evaluate(market))

    base, ours = [], []
    for _ in range(ROUNDS):
        for _name, market, template, context in cases:
            t = time.perf_counter()
            bare(template, context)
            base.append(time.perf_counter() - t)
            t = time.perf_counter()
            clausier(market)
            ours.append(time.perf_counter() - t)
    b, o = median_ms(base), median_ms(ours)
    print(f"{len(cases)} modèles d'exemple × {ROUNDS} tours, médianes")
    print(f"docxtpl seul (référence)        : {b:.1f} ms/document")
    print(f"clausier evaluate + render      : {o:.1f} ms/document")
    print(f"  rapport clausier / référence  : {o / b:.2f} (cible ≤ {TARGET}) : {verdict(o / b <= TARGET)}")


if __name__ == "__main__":
    main()
