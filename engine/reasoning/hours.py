"""Insertion hours: amount × labour share × insertion rate ÷ loaded hourly cost.

The formula is the facilitators' standard one (LEGAL-NOTES §11); its per-segment defaults are practice
parameters under `rulesets/parameters/pratique/`, each overridable in the market's `insertion` object.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from engine.law.parameters import ParameterSet
from engine.market.model import Insertion
from engine.reasoning.decision import HoursComputation

FORMULA = "heures = montant HT × part de main-d'œuvre × taux d'insertion ÷ coût horaire moyen chargé"
FORMULA_LOTS = "heures du marché = somme des heures des lots qui comportent une clause en heures, chaque lot étant calculé avec les valeurs de son segment"
_INPUTS = {
    "labour_share": "pratique.part_main_oeuvre",
    "rate": "pratique.taux_insertion",
    "hourly_cost": "pratique.cout_horaire",
}


def compute_hours(
    amount: float, segment: str, overrides: Insertion | None, params: ParameterSet, on: dt.date
) -> tuple[HoursComputation, list[str]]:
    """Hours for one market or lot, and the parameter names it used (for the trace)."""
    values: dict[str, float] = {}
    sources: dict[str, str] = {}
    overridden: list[str] = []
    used: list[str] = []
    for key, prefix in _INPUTS.items():
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
            sources[key] = f"{nature} ({name}{status})"
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
            formula=FORMULA,
            amount=float(amount),
            labour_share=values["labour_share"],
            rate=values["rate"],
            hourly_cost=values["hourly_cost"],
            sources=sources,
            overridden=overridden,
        ),
        used,
    )


def sum_hours(lots: list) -> HoursComputation | None:
    """The hours of a market in lots: the sum of its lots' hours (`lots`: LotDecision with hours), or None."""
    if not lots:
        return None
    return HoursComputation(
        value=sum(lot.hours.value for lot in lots),
        formula=FORMULA_LOTS,
        amount=float(sum(lot.hours.amount for lot in lots)),
        labour_share=None,
        rate=None,
        hourly_cost=None,
        sources={},
        overridden=[],
        lots={lot.number: lot.hours.value for lot in lots},
    )
