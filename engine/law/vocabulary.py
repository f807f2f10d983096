"""The vocabulary (`rulesets/vocabulaire.yaml`: segments and their CPV prefixes, buyer kinds, labels) and
the fields of the market fact that rules may test (`FIELDS`).

Holds no legal value: what a CPV or a mode means in law comes from the vocabulary and the dated parameters.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from pathlib import Path
from typing import get_args

from pydantic import BaseModel, ConfigDict, ValidationError

from engine.errors import RulesetError
from engine.law.references import _first_error
from engine.law.yamlfile import load_yaml
from engine.market.model import (
    BuyerType,
    ContractType,
    DerogationReason,
    Mode,
    Procedure,
    Reservation,
    Segment,
)

NONE = "aucun"
BOOL = (True, False)

# Fields of the market fact and, for enumerations, their possible values (None: a number).
FIELDS: dict[str, tuple | None] = {
    "public": BOOL,
    "buyer_type": get_args(BuyerType),
    "procedure": get_args(Procedure),
    "procedure_formalisee": BOOL,
    "contract_type": get_args(ContractType),
    "reserved_for": (*get_args(Reservation), NONE),
    "mode": (*get_args(Mode), NONE),
    "segment": get_args(Segment),
    "category": ("travaux", "fournitures", "services"),
    "cpv_sss": ("oui", "non", "inconnu"),
    "cpv_objet_insertion": ("oui", "non", "inconnu"),
    "cpv_reservable_ess": ("oui", "non", "inconnu"),
    "cpv_segment": (*get_args(Segment), NONE),
    "cpv_contredit_segment": BOOL,
    "cpv_code": None,  # text for messages only: the code with its check digit, « aucun » without a code
    "cpv_libelle": None,  # text for messages only: its official French label
    "sss": BOOL,
    # SSS by its CPV code, or (no code given) a segment that holds SSS codes: whether the SSS threshold may apply
    "sss_possible": BOOL,
    # False for a contract reserved to structures that already employ the clause's public, unless the
    # buyer asks for a clause anyway (vocabulary `clause_par_defaut`, market `reserved_keep_clause`)
    "clause_insertion": BOOL,
    "option_clause_reserve": BOOL,
    # the whole market's category and SSS status: thresholds are assessed on the whole, even for a lot
    "categorie_marche": ("travaux", "fournitures", "services"),
    "sss_marche": BOOL,
    "amount": None,
    "total_amount": None,
    "heures_estimees": None,
    "heures_imposees": BOOL,
    "derogation": (*get_args(DerogationReason), NONE),
    "duree_connue": BOOL,
    "duree_mois": None,
    "poids_insertion": None,
    "lot": BOOL,
}


class _Labelled(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    libelle: str


class _SegmentEntry(_Labelled):
    categorie: str
    cpv: tuple[str, ...] = ()


class _BuyerEntry(_Labelled):
    public: bool


class _ProcedureEntry(_Labelled):
    formalisee: bool
    prive: bool


class _ContractEntry(_Labelled):
    designation: str
    titulaire: str
    acheteur: str
    piece: str              # the document that receives the execution clause (CCAP, contrat de concession)
    pieces: str             # the contract documents as a whole
    article_critere: str    # reference id: where an insertion award criterion rests for this kind of contract


class _CcagEntry(_Labelled):
    intitule: str
    insertion: str          # reference id of its insertion clause
    contradictoire: str     # reference id of its contradictory procedure before penalties
    segments: tuple[str, ...] = ()  # segments whose purchases usually refer to it (practice)


class _FormerName(_Labelled):
    """The wording of a reservation's beneficiaries before a legal renaming (`jusqu_au`: first day of the new name)."""

    jusqu_au: dt.date
    fournisseur: str


class _ReservationEntry(_Labelled):
    travailleurs: str
    fournisseur: str
    clause_par_defaut: bool
    anciens_noms: tuple[_FormerName, ...] = ()


class _ModeEntry(_Labelled):
    libelle_prive: str


class Vocabulary(BaseModel):
    """Labels and classifications of every enumerated input value."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    segments: dict[str, _SegmentEntry]
    acheteurs: dict[str, _BuyerEntry]
    procedures: dict[str, _ProcedureEntry]
    contrats: dict[str, _ContractEntry]
    reservations: dict[str, _ReservationEntry]
    modes: dict[str, _ModeEntry]
    derogations: dict[str, _Labelled]
    faits: dict[str, str]
    reserve_sans_clause: str  # what the document holds for a reserved contract without an hours clause

    default_segment: str = "autres_services"

    def reservation(self, name: str, on: dt.date) -> _ReservationEntry:
        """A reservation's entry with the names in force on `on` (ESAT renamed on a date set in the data)."""
        entry = self.reservations[name]
        for former in sorted(entry.anciens_noms, key=lambda f: f.jusqu_au):
            if on < former.jusqu_au:
                return entry.model_copy(update={"libelle": former.libelle, "fournisseur": former.fournisseur})
        return entry
    ccag: dict[str, _CcagEntry]

    def ccag_for(self, segment: str) -> str:
        """The key of the CCAG a purchase of `segment` usually refers to (checked at load: exactly one)."""
        return next(name for name, entry in self.ccag.items() if segment in entry.segments)

    def labels(self) -> dict[str, dict[str, str]]:
        """The French label of each enumerated input value, by section (segments, acheteurs, procedures,
        contrats, reservations, modes, derogations)."""
        sections = ("segments", "acheteurs", "procedures", "contrats", "reservations", "modes", "derogations")
        return {name: {code: entry.libelle for code, entry in getattr(self, name).items()} for name in sections}

    def segment_for_cpv(self, cpv8: str) -> str:
        """The segment whose CPV prefix is the longest match; the default segment otherwise (remembered per
        code: an audit asks for the same few thousand codes again and again)."""
        found = self._segment_of.get(cpv8)
        if found is None:
            found = self._segment_of[cpv8] = self._longest_prefix(cpv8)
        return found

    @cached_property
    def _segment_of(self) -> dict[str, str]:
        return {}

    def _longest_prefix(self, cpv8: str) -> str:
        best, best_len = self.default_segment, 0
        for name, seg in self.segments.items():
            for prefix in seg.cpv:
                if cpv8.startswith(prefix) and len(prefix) > best_len:
                    best, best_len = name, len(prefix)
        return best


def load_vocabulary(path: Path, root: Path) -> Vocabulary:
    shown = str(path.relative_to(root))
    try:
        voc = Vocabulary.model_validate(load_yaml(path, root))
    except ValidationError as exc:
        raise RulesetError(shown, None, _first_error(exc)) from None
    expected = {
        "segments": get_args(Segment),
        "acheteurs": get_args(BuyerType),
        "procedures": get_args(Procedure),
        "contrats": get_args(ContractType),
        "reservations": get_args(Reservation),
        "modes": get_args(Mode),
        "derogations": get_args(DerogationReason),
    }
    for section, values in expected.items():
        have = set(getattr(voc, section))
        if have != set(values):
            raise RulesetError(shown, section, f"valeurs attendues {sorted(values)}, trouvées {sorted(have)}")
    for name in voc.segments:
        owners = [key for key, entry in voc.ccag.items() if name in entry.segments]
        if len(owners) != 1:
            raise RulesetError(shown, "ccag", f"le segment '{name}' doit figurer dans la liste « segments » d'un "
                                              f"seul CCAG (trouvé dans : {owners or 'aucun'})")
    for key, entry in voc.ccag.items():
        for name in entry.segments:
            if name not in voc.segments:
                raise RulesetError(shown, f"ccag.{key}", f"segment inconnu '{name}'")
    return voc


def vocabulary_references(voc: Vocabulary) -> dict[str, str]:
    """Every reference id the vocabulary cites, with where: checked against references.yaml at load."""
    out = {f"contrats.{k}.article_critere": c.article_critere for k, c in voc.contrats.items()}
    for k, c in voc.ccag.items():
        out[f"ccag.{k}.insertion"] = c.insertion
        out[f"ccag.{k}.contradictoire"] = c.contradictoire
    return out
