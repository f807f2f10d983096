"""Shared by the bench scripts: import clausier from this checkout, and a reproducible mix of markets."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.testing import markets  # noqa: E402,F401 - after the path set-up; re-exported for the bench scripts


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def verdict(ok: bool) -> str:
    return "OK" if ok else "HORS CIBLE"
