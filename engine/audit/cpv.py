"""CPV 2008 validity: the code exists in the nomenclature and its check digit, when given, is the official one.

The list is `rulesets/cpv-2008.csv` (columns CODE,FR: code with check digit and French label), a copy of
ColinMaudry/cpv-app, data/cpv_2008.csv (commit 2081374), built from the official CPV 2008 file (Commission
Regulation (EC) No 213/2008, Annex I).
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import engine


@functools.lru_cache(maxsize=4)
def _codes(rulesets=None) -> dict[str, str]:
    """8-digit code -> official check digit (the list of --rulesets DIR if it has one, else the shipped one)."""
    path = Path(rulesets) / "cpv-2008.csv" if rulesets else None
    if path is None or not path.is_file():
        path = engine.rulesets_dir() / "cpv-2008.csv"
    with open(path, encoding="utf-8", newline="") as f:
        return {row["CODE"][:8]: row["CODE"][9:] for row in csv.DictReader(f) if len(row["CODE"]) == 10}


def valid(code8: str, check: str | None, rulesets=None) -> bool:
    official = _codes(rulesets).get(code8)
    return official is not None and (check is None or check == official)
