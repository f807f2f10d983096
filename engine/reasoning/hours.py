"""Insertion hours: amount × labour share × insertion rate ÷ loaded hourly cost.

The formula is the facilitators' standard one (LEGAL-NOTES §11); its per-segment defaults are practice
parameters under `rulesets/parameters/pratique/`, each overridable in the market's `insertion` object.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from engine import fmt
from engine.law.knowledge import KnowledgeBase
from engine.market.model import Insertion
from engine.reasoning.decision import HoursComputation


def compute_hours(
    amount: float, segment: str, overrides: Insertion | None, kb: KnowledgeBase, on: dt.date
) -> tuple[HoursComputation, list[str]]:
    """Hours for one market or lot, and the parameter names it used (for the trace)."""
    params, families = kb.params, kb.names.parameter_families
    inputs = {"labour_share": families.labour_share, "rate": families.insertion_rate,
              "hourly_cost": families.hourly_cost}
    values: dict[str, float] = {}
    sources: dict[str, str] = {}
    overridden: list[str] = []
    used: list[str] = []
    for key, prefix in inputs.items():
        given = getattr(overrides, key) if overrides else None
        if given is not None:
            values[key] = float(given)
            sources[key] = "saisie de l'acheteur"
            overridden.append(key)
        else:
            name = f"{prefix}.{segment}"
            pv = params.value(name, on)
            values[key] = float(pv.value)
            nature = "valeur de pratique" if params.get(name).nature == "pratique" else "valeur légale"
            status = "" if params.is_verified(name, pv) else ", non vérifiée"
            sources[key] = f"{nature} ({fmt.lower_first(params.get(name).description)}{status})"
            used.append(name)
    raw = Decimal(str(amount)) * Decimal(str(values["labour_share"])) * Decimal(str(values["rate"]))
    raw = raw / Decimal(str(values["hourly_cost"]))
    hours = int(raw.quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if overrides and overrides.hours is not None:
        hours = overrides.hours
        overridden.append("hours")
        sources["hours"] = "saisie de l'acheteur (remplace le calcul)"
    return (
        HoursComputation(
            value=hours,
            formula=kb.wording("hours_formula"),
            amount=float(amount),
            labour_share=values["labour_share"],
            rate=values["rate"],
            hourly_cost=values["hourly_cost"],
            sources=sources,
            overridden=overridden,
        ),
        used,
    )


def sum_hours(lots: list, kb: KnowledgeBase) -> HoursComputation | None:
    """The hours of a market in lots: the sum of its lots' hours (`lots`: LotDecision with hours), or None."""
    if not lots:
        return None
    return HoursComputation(
        value=sum(lot.hours.value for lot in lots),
        formula=kb.wording("hours_formula_lots"),
        amount=float(sum(lot.hours.amount for lot in lots)),
        labour_share=None,
        rate=None,
        hourly_cost=None,
        sources={},
        overridden=[],
        lots={lot.number: lot.hours.value for lot in lots},
    )
