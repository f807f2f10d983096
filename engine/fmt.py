"""French formatting of numbers, amounts, dates and parameter values (used by messages and documents)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"
_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def number(value: float, decimals: int = 0) -> str:
    """1234567.5 -> '1 234 567,50' (non-breaking spaces, decimal comma)."""
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    whole, _, frac = f"{abs(q):f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = sign + NBSP.join(groups)
    return f"{out},{frac}" if frac else out


def euros(value: float) -> str:
    """Whole euros when the amount is whole, cents otherwise: '5 404 000 €'."""
    decimals = 0 if float(value).is_integer() else 2
    return f"{number(value, decimals)}{NBSP}€"


def percent(ratio: float) -> str:
    """0.05 -> '5 %', 0.075 -> '7,5 %'."""
    pct = Decimal(str(ratio)) * 100
    decimals = 0 if pct == pct.to_integral_value() else 1
    return f"{number(float(pct), decimals)}{NBSP}%"


def hours(value: float) -> str:
    return f"{number(value)}{NBSP}h"


def weight(value: float) -> str:
    """A criterion weight given in percent, as typed in the criteria table: 60 -> '60 %', 12.5 -> '12,5 %'."""
    return f"{number(value, 0 if float(value).is_integer() else 1)} %"


def cap(text: str) -> str:
    """The text with its first letter in capital."""
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """The text with its first letter in lower case (a description quoted inside a sentence)."""
    return text[:1].lower() + text[1:]


def date_fr(value: dt.date) -> str:
    """2026-11-24 -> '24 novembre 2026' ('1er' for the first day)."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {_MONTHS[value.month - 1]} {value.year}"


def by_unit(value, unit: str) -> str:
    """A parameter value written for a French reader, according to its unit."""
    if unit == "eur_ht":
        return f"{euros(value)} HT"
    if unit == "ratio":
        return percent(value)
    if unit == "pourcent":
        return f"{number(value, 0 if float(value).is_integer() else 1)}{NBSP}%"
    if unit == "heures":
        return hours(value)
    if unit == "eur_par_heure":
        return f"{euros(value)}/h"
    if unit == "mois":
        return f"{number(value)} mois"
    if unit == "liste":
        return ", ".join(str(v) for v in value)
    return str(value)


def plain_number(value) -> str:
    """A number as a person writes it, never as Python prints a float: 1e12 -> '1 000 000 000 000',
    0.05 -> '0,05'. Non-numbers (and non-finite floats) are returned as text."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", NBSP)
    whole, _, frac = f"{Decimal(repr(value) if isinstance(value, float) else value):f}".partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    grouped = sign + f"{int(digits):,}".replace(",", NBSP)
    frac = frac.rstrip("0")
    return f"{grouped},{frac}" if frac else grouped
