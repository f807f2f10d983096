"""The questionnaire's fields and their conversion into a market description (the API's JSON).

Field names are the market's JSON paths (`insertion.rate`), so that the engine's problems land on the
field they concern. Amounts are read the French way (« 1 250 000,50 »), rates are asked in percent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CHOICES = ("segment", "procedure", "buyer_type", "contract_type", "mode", "reserved_for", "derogation.reason")
TEXTS = ("title", "buyer_name", "reference", "cpv", "launch_date", "derogation.justification",
         "facilitator.name", "facilitator.contact")
AMOUNTS = ("amount", "insertion.hourly_cost")  # euros
PERCENTS = ("insertion.rate", "insertion.labour_share")
INTEGERS = ("duration_months", "insertion.hours")
FIELDS = CHOICES + TEXTS + AMOUNTS + PERCENTS + INTEGERS
OPTIONS = ("annex", "comments")  # document options (checkboxes)
LABELS = {
    "buyer_type": "Type d'acheteur",
    "buyer_name": "Nom de l'acheteur",
    "title": "Objet du marché",
    "reference": "Référence de la consultation",
    "segment": "Secteur d'achat",
    "cpv": "Code CPV",
    "amount": "Valeur estimée du contrat, en euros HT",
    "procedure": "Procédure",
    "contract_type": "Type de contrat",
    "launch_date": "Date de lancement de la consultation",
    "duration_months": "Durée du contrat, en mois",
    "mode": "Voie souhaitée",
    "reserved_for": "Marché réservé",
    "insertion.rate": "Taux d'insertion, en %",
    "insertion.labour_share": "Part de main-d'œuvre, en %",
    "insertion.hourly_cost": "Coût horaire moyen chargé, en euros",
    "insertion.hours": "Nombre d'heures imposé",
    "derogation.reason": "Motif de la dérogation",
    "derogation.justification": "Justification de la dérogation",
    "facilitator.name": "Nom du facilitateur",
    "facilitator.contact": "Contact du facilitateur",
}
REQUIRED = {"amount": "la valeur estimée", "procedure": "la procédure", "buyer_type": "le type d'acheteur"}

_SPACES = re.compile(r"[\s\u00a0\u202f'’]")
_NUMBER = re.compile(r"^\d+(\.\d+)?$")


@dataclass
class Parsed:
    market: dict
    problems: dict[str, str]  # form field -> French message (what the form itself could not read)
    missing: list[str]  # required fields left empty (the live decision waits for them)


def _number(text: str) -> float | None:
    cleaned = _SPACES.sub("", text).removesuffix("€").replace(",", ".")
    return float(cleaned) if _NUMBER.match(cleaned) else None


def to_market(form: dict[str, str]) -> Parsed:
    market: dict = {}
    problems: dict[str, str] = {}

    def put(path: str, value) -> None:
        head, _, tail = path.partition(".")
        if tail:
            market.setdefault(head, {})[tail] = value
        else:
            market[head] = value

    for name in CHOICES + TEXTS:
        value = form.get(name, "").strip()
        if value:
            put(name, value)
    for name in AMOUNTS:
        text = form.get(name, "").strip()
        if text:
            value = _number(text)
            if value is None:
                problems[name] = "montant en euros attendu, en chiffres (par exemple « 250 000 » ou « 32,50 »)"
            else:
                put(name, value)
    for name in PERCENTS:
        text = form.get(name, "").strip().removesuffix("%")
        if text:
            value = _number(text)
            if value is None or not 0 < value <= 100:
                problems[name] = "pourcentage attendu, supérieur à 0 et au plus 100 (par exemple « 5 » ou « 7,5 »)"
            else:
                put(name, round(value / 100, 6))
    for name in INTEGERS:
        text = _SPACES.sub("", form.get(name, ""))
        if text:
            if text.isdigit() and len(text) <= 12:
                put(name, int(text))
            else:
                problems[name] = "nombre entier attendu (par exemple « 24 »)"
    if "derogation" in market and "reason" not in market["derogation"]:
        del market["derogation"]  # a justification without its reason: the reason's select says it is needed
        if form.get("derogation.justification", "").strip():
            problems["derogation.reason"] = "choisissez le motif de la dérogation que la justification expose"
    missing = [label for name, label in REQUIRED.items() if not form.get(name, "").strip()]
    if not form.get("segment", "").strip() and not form.get("cpv", "").strip():
        missing.append("le secteur d'achat ou le code CPV")
    return Parsed(market, problems, missing)


def field_name(path: str) -> str:
    """The form field an engine problem path (`insertion.rate`, `lots[0].amount`) concerns."""
    return path if path in FIELDS else path.split("[")[0].split(".")[0]
