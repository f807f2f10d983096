"""Shared helpers of the audit tests: fixture paths, the shared DECP samples, reading contrats.csv."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "audit_fixtures"
SHARED_DECP = ROOT.parent / "shared" / "data" / "decp"
TODAY = dt.date(2026, 11, 29)
ALL_FIXTURES = [FIXTURES / n for n in ("decp-2022-cas.json", "decp-2019-cas.json", "decp-augmente-cas.csv",
                                      "decp-tabulaire-cas.csv", "decp-2022-tronque.json")]


def shared_samples() -> Path:
    if not (SHARED_DECP / "decp-2022-sample.json").is_file():
        pytest.skip(f"échantillons DECP partagés absents ({SHARED_DECP}) : ../shared n'est pas à côté du dépôt")
    return SHARED_DECP


def rows(outdir: Path) -> dict[str, dict]:
    with open(outdir / "contrats.csv", encoding="utf-8-sig", newline="") as f:
        return {r["id"]: r for r in csv.DictReader(f, delimiter=";")}
