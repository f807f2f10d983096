"""A Record -> a clausier market description (or the list of what is missing to build one).

- cpv: the 8-digit `codeCPV` (the engine derives the segment from it with rulesets/vocabulaire.yaml);
  a concession without CPV gets the segment « travaux » for a works concession, « autres_services » otherwise
- amount: `montant` (concessions: `valeurGlobale`), the initial value: the EU threshold is assessed on the
  estimated value at launch, so amendments do not change it; for a framework agreement it is the maximum
- procedure: the published label mapped onto the engine's procedures (unknown -> « procedure_adaptee », a
  neutral hypothesis: no threshold rule depends on the procedure)
- buyer_type: inferred (see buyers.py); contract_type: concession, marché de partenariat, accord-cadre
  (nature or technique « Accord-cadre »), otherwise marché
- mode: « condition_execution » (the clause the obligation asks for, and the one whose hours are computed)
- launch_date: the notification (concessions: signature) date minus the practice lag of the procedure
  (parameters `pratique.delai_lancement_notification.*`), or the date given with --date
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass

from engine.law.knowledge import knowledge
from engine.reasoning.assessment import parameter, segment_for_cpv

from . import cpv as cpv_list
from .records import Record

UNKNOWN_PROCEDURE = "inconnue"
_PROCEDURES = (  # (substring of the accent-free label, engine procedure), first match wins
    ("non negociee", "appel_offres"),  # concessions: « procédure non négociée ouverte/restreinte »
    ("sans publicite", "sans_publicite"),
    ("procedure adaptee", "procedure_adaptee"),
    ("appel d'offres", "appel_offres"),
    ("dialogue competitif", "dialogue_competitif"),
    ("negoci", "procedure_negociee"),
)


@dataclass(slots=True)
class Mapped:
    market: dict | None  # None: not evaluable (see missing)
    missing: list[str]
    segment: str
    contract_type: str
    procedure: str  # engine procedure, or "inconnue"
    launch: dt.date | None
    date_source: str


@functools.lru_cache(maxsize=16384)
def _segment(code8: str, rulesets) -> str:
    return segment_for_cpv(code8, rulesets=rulesets)


@functools.lru_cache(maxsize=16384)
def _valid_cpv(code8: str, check: str | None, rulesets) -> bool:
    return cpv_list.valid(code8, check, rulesets)


def procedure_of(label: str) -> str:
    for needle, procedure in _PROCEDURES:
        if needle in label:
            return procedure
    return UNKNOWN_PROCEDURE


def contract_type_of(r: Record) -> str:
    if r.concession:
        return "concession"
    if "partenariat" in r.nature:
        return "marche_partenariat"
    if "accord-cadre" in r.nature or "accord cadre" in r.nature or any(
            t in ("accord-cadre", "accord cadre") for t in r.techniques) or any(
            m in ("bons de commande", "marches subsequents") for m in r.modalities):
        return "accord_cadre"  # executed by purchase orders or subsequent contracts: a framework agreement
    return "marche"


def _minus_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.year * 12 + d.month - 1 - months, 12)
    return dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def lag_parameter(key: str, rulesets=None) -> str:
    """The practice lag parameter of a procedure (`key`: a procedure, « concession » or « inconnue »), whose
    family name is declared in rulesets/index.yaml (engine.procedure_families.launch_lag)."""
    return f"{knowledge(rulesets).names.procedure_families.launch_lag}.{key}"


def lag_months(procedure: str, concession: bool, on: dt.date, rulesets=None) -> int:
    name = lag_parameter("concession" if concession else procedure, rulesets)
    value, _nature, _verified = parameter(name, on, rulesets=rulesets)
    return int(value)


def to_market(r: Record, buyer_type: str, on: dt.date | None, rulesets=None) -> Mapped:
    missing: list[str] = []
    contract = contract_type_of(r)
    procedure = procedure_of(r.procedure)
    if "defense ou de securite" in r.nature:
        missing.append("marché de défense ou de sécurité : ses seuils propres ne sont pas dans les règles")
    if r.cpv:
        if not _valid_cpv(r.cpv, r.cpv_check, rulesets):
            r.flags.add("cpv_invalide")
        segment = _segment(r.cpv, rulesets)
    elif r.concession:
        segment = "travaux" if "travaux" in r.nature else "autres_services"
    else:
        segment = ""
        missing.append("code CPV absent ou illisible" + (f" (« {r.cpv_raw[:30]} »)" if r.cpv_raw else ""))
    if contract == "accord_cadre":
        r.flags.add("accord_cadre_maximum")
    if "subsequent" in r.nature or (r.framework_id and r.framework_id != r.id):
        r.flags.add("marche_subsequent")
    if r.amount is None or r.amount <= 1:
        r.flags.add("montant_fictif")
        missing.append("montant absent" if r.amount is None else f"montant nul ou symbolique ({r.amount:g} €)")
    launch, source = None, ""
    if on is not None:
        launch, source = on, "option --date"
    elif r.notification is None:
        missing.append("date de notification absente")
    else:
        months = lag_months(procedure, r.concession, r.notification, rulesets)
        launch = _minus_months(r.notification, months)
        source = f"notification − {months} mois ({'concession' if r.concession else procedure})"
    if missing:
        return Mapped(None, missing, segment, contract, procedure, launch, source)
    market = {
        "amount": r.amount, "procedure": procedure if procedure != UNKNOWN_PROCEDURE else "procedure_adaptee",
        "buyer_type": buyer_type, "contract_type": contract, "mode": "condition_execution", "launch_date": launch,
    }
    if r.cpv:
        market["cpv"] = r.cpv
    else:
        market["segment"] = segment
    return Mapped(market, missing, segment, contract, procedure, launch, source)
