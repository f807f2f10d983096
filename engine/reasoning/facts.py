"""From a validated Market to the fact the rules match on (every field of `FIELDS`, absent ones filled)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from engine.errors import FieldProblem, InputError
from engine.law.cpv import CpvNomenclature
from engine.law.vocabulary import NONE, Vocabulary


@dataclass(frozen=True)
class CpvLists:
    """The eight-digit CPV codes of the lists in force on the launch date."""

    sss: frozenset[str]
    ess: frozenset[str]
    insertion: frozenset[str]
    sss_segments: frozenset[str]  # segments holding at least one SSS code
    nomenclature: CpvNomenclature  # codes with their check digit and label, for messages

    def label_code(self, code8: str) -> str:
        entry = self.nomenclature.get(code8)
        return entry.code if entry else code8

    def label(self, code8: str) -> str:
        entry = self.nomenclature.get(code8)
        return entry.label if entry else NONE


def cpv8(code: str | None) -> str | None:
    return code[:8] if code else None


def market_fact(
    *,
    voc: Vocabulary,
    lists: CpvLists,
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
    given_segment: str | None = None,
    clause_in_reserved: bool = False,
    market: dict | None = None,
) -> dict:
    """The `marche` fact: every field of FIELDS is present (absent values become 'aucun'/False/0).

    `market`: for a lot, the whole market's fact (thresholds are assessed on the whole market)."""
    code = cpv8(cpv)
    cpv_sss, cpv_insertion, cpv_ess = (
        ("inconnu",) * 3 if code is None
        else tuple("oui" if code in codes else "non" for codes in (lists.sss, lists.insertion, lists.ess))
    )
    category = voc.segments[segment].categorie
    sss = cpv_sss == "oui"
    # a CPV that points to another segment than the one given: the practice mapping's default segment
    # (no prefix matched) contradicts nothing of the same category
    cpv_segment = voc.segment_for_cpv(code) if code else NONE
    contradiction = bool(code and given_segment and cpv_segment != given_segment and (
        cpv_segment != voc.default_segment or voc.segments[cpv_segment].categorie != voc.segments[given_segment].categorie
    ))
    reservation = voc.reservations[reserved_for] if reserved_for else None
    clause = reservation is None or reservation.clause_par_defaut or clause_in_reserved
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
        "cpv_objet_insertion": cpv_insertion,
        "cpv_reservable_ess": cpv_ess,
        "cpv_segment": cpv_segment,
        "cpv_code": lists.label_code(code) if code else NONE,
        "cpv_libelle": lists.label(code) if code else NONE,
        "cpv_contredit_segment": contradiction,
        "sss": sss,
        "sss_possible": sss or (code is None and segment in lists.sss_segments),
        "clause_insertion": clause,
        "option_clause_reserve": clause_in_reserved,
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


def check_cpv(kb, m, source: str | None = None) -> None:
    """Every CPV code of the market (`kb`: KnowledgeBase, `m`: Market) exists in the CPV 2008 nomenclature
    with its official check digit; InputError naming each field otherwise."""
    fields = [("cpv", m.cpv)] + [(f"lots[{i}].cpv", lot.cpv) for i, lot in enumerate(m.lots or ())]
    problems = [FieldProblem(path, msg) for path, code in fields if code and (msg := kb.cpv.problem(code))]
    if problems:
        raise InputError(problems, source)
