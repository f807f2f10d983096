"""From a validated Market to the fact the rules match on (every field of `FIELDS`, absent ones filled)."""

from __future__ import annotations

import datetime as dt

from engine.law.vocabulary import NONE, Vocabulary


def cpv8(code: str | None) -> str | None:
    return code[:8] if code else None


def market_fact(
    *,
    voc: Vocabulary,
    sss_prefixes: list[str],
    buyer_type: str,
    procedure: str,
    contract_type: str,
    segment: str,
    cpv: str | None,
    mode: str | None,
    reserved_for: str | None,
    amount: float,
    total_amount: float,
    hours: float | None,
    hours_imposed: bool,
    derogation: str | None,
    duration_months: int | None,
    insertion_weight: float,
    market: dict | None = None,
) -> dict:
    """The `marche` fact: every field of FIELDS is present (absent values become 'aucun'/False/0).

    `market`: for a lot, the whole market's fact (thresholds are assessed on the whole market)."""
    code = cpv8(cpv)
    if code is None:
        cpv_sss = "inconnu"
    else:
        cpv_sss = "oui" if any(code.startswith(p) for p in sss_prefixes) else "non"
    mode_sss = mode is not None and voc.modes[mode].services_sociaux_specifiques
    category = voc.segments[segment].categorie
    sss = cpv_sss == "oui" or mode_sss
    return {
        "t": "marche",
        "public": voc.acheteurs[buyer_type].public,
        "buyer_type": buyer_type,
        "procedure": procedure,
        "procedure_formalisee": voc.procedures[procedure].formalisee,
        "contract_type": contract_type,
        "reserved_for": reserved_for or NONE,
        "mode": mode or NONE,
        "segment": segment,
        "category": category,
        "cpv_sss": cpv_sss,
        "sss": sss,
        "categorie_marche": market["categorie_marche"] if market else category,
        "sss_marche": market["sss_marche"] if market else sss,
        "amount": float(amount),
        "total_amount": float(total_amount),
        "heures_estimees": float(hours) if hours is not None else 0.0,
        "heures_imposees": hours_imposed,
        "derogation": derogation or NONE,
        "duree_connue": duration_months is not None,
        "duree_mois": float(duration_months or 0),
        "poids_insertion": float(insertion_weight),
        "lot": market is not None,
    }


def today() -> dt.date:
    return dt.date.today()
