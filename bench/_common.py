"""Shared by the bench scripts: import clausier from this checkout, and a reproducible mix of markets."""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
from pathlib import Path
from typing import get_args

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.models import BuyerType, ContractType, Procedure, Segment  # noqa: E402 - after the path set-up

PRIVATE_PROCEDURES = ("consultation", "gre_a_gre")
SEGMENTS = list(get_args(Segment))
PUBLIC_PROCEDURES = [p for p in get_args(Procedure) if p not in PRIVATE_PROCEDURES]
BUYERS = [b for b in get_args(BuyerType) if b != "entreprise"]
CONTRACTS = list(get_args(ContractType))
RESERVATIONS = [None, None, None, "siae", "ea_esat", "siae_ea_esat", "ess"]
MODES = [None, "condition_execution", "condition_execution", "critere_attribution", "objet_marche"]


def market(rng: random.Random) -> dict:
    """One plausible market: every segment, buyer, contract and mode (a quarter without a mode), 2022-2027."""
    private = rng.random() < 0.15
    m = {
        "title": f"Marché {rng.randrange(10_000)}",
        "segment": rng.choice(SEGMENTS),
        "amount": round(rng.choice([3e4, 9e4, 2.5e5, 5e5, 1.2e6, 6.2e6, 2e7]) * rng.uniform(0.8, 1.2), 2),
        "procedure": rng.choice(PRIVATE_PROCEDURES if private else PUBLIC_PROCEDURES),
        "buyer_type": "entreprise" if private else rng.choice(BUYERS),
        "contract_type": rng.choice(["marche", "accord_cadre"] if private else CONTRACTS),
        "launch_date": (dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(0, 6 * 365 - 2))).isoformat(),
    }
    if reserved := rng.choice(RESERVATIONS):
        m["reserved_for"] = reserved
    if mode := rng.choice(MODES):
        m["mode"] = mode
    if rng.random() < 0.2:
        m["duration_months"] = rng.randrange(1, 60)
    return m


def markets(n: int, seed: int = 2026) -> list[dict]:
    rng = random.Random(seed)
    return [market(rng) for _ in range(n)]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def verdict(ok: bool) -> str:
    return "OK" if ok else "HORS CIBLE"
