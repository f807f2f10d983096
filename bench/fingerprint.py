"""Fingerprint of clausier's behaviour: decisions and document bytes, to prove a refactoring changed nothing.

Evaluates every example and N generated markets (bench/_common.py's reproducible mix, fixed launch dates),
hashes each decision's JSON (rules version set to a constant), and renders every admitted example (with and without annex and comments) and
every admitted market among the first D generated ones, hashing the .docx bytes. Prints one line per
group with its SHA-256 and writes every item's hash to OUT (JSON) so that two runs can be compared:

    python bench/fingerprint.py [N] [D] [OUT]        # defaults: 3000 markets, 300 documents
    python bench/fingerprint.py --compare A.json B.json
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

from _common import ROOT, markets

import engine

ON = dt.date(2026, 11, 29)  # the date applied to markets without a launch date (the examples' undated one)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _decision(market) -> tuple[str, engine.Decision | None]:
    """The decision's hash, its rules version replaced by a constant: the version is a digest of every YAML
    file, so moving a name or a sentence between files changes it even when no decision changes."""
    try:
        decision = engine.evaluate(market, ON)
    except engine.EngineError as exc:
        return "error:" + type(exc).__name__ + ":" + str(exc), None
    decision = decision.model_copy(update={"ruleset_version": "VERSION"})
    return _sha(decision.model_dump_json().encode()), decision


def _documents(name: str, decision: engine.Decision | None, out: dict) -> None:
    if decision is None or not decision.allowed:
        return
    for annex in (True, False):
        for comments in (True, False):
            out[f"{name}|annex={annex}|comments={comments}"] = _sha(
                engine.render(decision, annex=annex, comments=comments))


def fingerprint(n: int, d: int) -> dict[str, dict[str, str]]:
    result: dict[str, dict[str, str]] = {"decisions": {}, "documents": {}}
    for path in sorted((ROOT / "examples").glob("*.json")):
        digest, decision = _decision(json.loads(path.read_text(encoding="utf-8")))
        result["decisions"][path.name] = digest
        _documents(path.name, decision, result["documents"])
    for i, market in enumerate(markets(n)):
        digest, decision = _decision(market)
        result["decisions"][f"market-{i:05d}"] = digest
        if i < d:
            _documents(f"market-{i:05d}", decision, result["documents"])
    return result


def summary(result: dict[str, dict[str, str]]) -> None:
    for group, items in result.items():
        whole = _sha("".join(f"{k}={v}\n" for k, v in sorted(items.items())).encode())
        print(f"{group}: {len(items)} items, sha256 {whole}")


def compare(a: Path, b: Path) -> int:
    left, right = (json.loads(p.read_text()) for p in (a, b))
    differences = 0
    for group in sorted(set(left) | set(right)):
        keys = set(left.get(group, {})) | set(right.get(group, {}))
        diff = sorted(k for k in keys if left.get(group, {}).get(k) != right.get(group, {}).get(k))
        differences += len(diff)
        print(f"{group}: {len(keys)} items, {len(diff)} different" + (f" (first: {diff[:5]})" if diff else ""))
    return 1 if differences else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--compare"]:
        return compare(Path(argv[1]), Path(argv[2]))
    n = int(argv[0]) if argv else 3000
    d = int(argv[1]) if len(argv) > 1 else 300
    result = fingerprint(n, d)
    summary(result)
    if len(argv) > 2:
        Path(argv[2]).write_text(json.dumps(result, indent=0, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
