"""The input contract: a market description, as pydantic models.

Data only: no rule logic, no I/O. Field names are the public JSON contract documented in README.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.functional_validators import AfterValidator

Segment = Literal[
    "travaux",
    "proprete",
    "environnement",
    "espaces_verts",
    "restauration",
    "mise_a_disposition_personnel",
    "prestations_intellectuelles",
    "informatique",
    "fournitures",
    "autres_services",
]
Procedure = Literal[
    "appel_offres",
    "procedure_adaptee",
    "procedure_negociee",
    "dialogue_competitif",
    "sans_publicite",
    "consultation",
    "gre_a_gre",
]
BuyerType = Literal[
    "etat", "collectivite", "etablissement_public", "entite_adjudicatrice", "pouvoir_adjudicateur_prive", "entreprise"
]
ContractType = Literal["marche", "accord_cadre", "marche_subsequent", "concession", "marche_partenariat", "marche_global"]
Reservation = Literal["siae", "ea_esat", "siae_ea_esat", "ess"]
Mode = Literal["condition_execution", "critere_attribution", "objet_marche"]
DerogationReason = Literal["lien_insuffisant", "restriction_concurrence", "solution_immediatement_disponible"]

MAX_AMOUNT = 1e12  # 1 000 milliards d'euros: beyond this an amount is a typing error, not a market
MAX_TEXT = 2000
# What text fields refuse (message naming the field and the character): C0/C1 control characters other
# than tab, line feed and carriage return (invisible, and most are forbidden in Word's XML), lone
# surrogates and the non-characters U+FFFE/U+FFFF (not representable in XML). Refused rather than
# stripped: silently changing what a buyer wrote in a legal document would be worse than asking.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_NOT_XML = re.compile(r"[\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"\r\n?")
_LAYOUT = re.compile(r"\s*[\t\n\r]\s*")


def _check_chars(value: str) -> str:
    found = _CONTROL.search(value)
    if found:
        raise ValueError(f"contient un caractère de contrôle non imprimable (U+{ord(found.group()):04X}, "
                         f"position {found.start() + 1}) : retirez-le")
    found = _NOT_XML.search(value)
    if found:
        raise ValueError(f"contient un caractère Unicode invalide (U+{ord(found.group()):04X}, "
                         f"position {found.start() + 1}) : retirez-le")
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        raise ValueError("ne doit pas être vide")
    return value


def _clean_text(value: str) -> str:
    """A one-line field (title, names, reference): tabs and line breaks become one space, NFC."""
    return _LAYOUT.sub(" ", _check_chars(value))


def _clean_free_text(value: str) -> str:
    """Free text (the derogation justification): line breaks kept (as line breaks in Word), CRLF -> LF."""
    return _LINE_BREAKS.sub("\n", _check_chars(value))


def _justification(value: str) -> str:
    value = _clean_free_text(value)
    if len(value) < 20:
        raise ValueError("doit contenir au moins 20 caractères, hors espaces de début et de fin")
    return value


def _finite_amount(value: float) -> float:
    if not math.isfinite(value):
        raise ValueError("doit être un nombre fini")
    return value


Text = Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_clean_text)]
Amount = Annotated[float, Field(gt=0, le=MAX_AMOUNT, allow_inf_nan=False), AfterValidator(_finite_amount)]
Cpv = Annotated[str, Field(pattern=r"^[0-9]{8}(-[0-9])?$")]  # ASCII digits only (\d would admit ٤٥...)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)


class Insertion(_Strict):
    """Overrides of the insertion-hours computation (defaults come from practice parameters)."""

    rate: float | None = Field(default=None, gt=0, le=1, allow_inf_nan=False, description="Taux d'insertion (0 à 1)")
    labour_share: float | None = Field(
        default=None, gt=0, le=1, allow_inf_nan=False, description="Part de main-d'œuvre (0 à 1)"
    )
    hourly_cost: float | None = Field(
        default=None, gt=0, le=10_000, allow_inf_nan=False, description="Coût horaire moyen chargé (€/h)"
    )
    hours: int | None = Field(default=None, ge=0, le=100_000_000, description="Nombre d'heures imposé")


class Derogation(_Strict):
    """A recorded departure from the mandatory social execution condition, with its written reasons."""

    reason: DerogationReason = Field(description="Motif de la dérogation à la condition sociale obligatoire")
    justification: Annotated[str, Field(max_length=MAX_TEXT), AfterValidator(_justification)] = Field(
        description="Justification écrite de la dérogation (au moins 20 caractères), reproduite dans le document")


class Weights(_Strict):
    """Award-criteria weights in percent; missing ones stay blanks for the buyer."""

    price: float | None = Field(default=None, ge=0, le=100, allow_inf_nan=False,
                                description="Pondération du critère du prix, en %")
    environment: float | None = Field(default=None, ge=0, le=100, allow_inf_nan=False,
                                      description="Pondération du critère environnemental, en %")
    insertion: float | None = Field(default=None, ge=0, le=100, allow_inf_nan=False,
                                    description="Pondération du critère d'insertion, en %")

    @model_validator(mode="after")
    def _sum(self):
        total = sum(v for v in (self.price, self.environment, self.insertion) if v is not None)
        if total > 100 + 1e-6:
            raise ValueError("la somme des pondérations dépasse 100")
        return self


class Facilitator(_Strict):
    name: Text | None = Field(default=None, description="Nom du facilitateur de la clause d'insertion")
    contact: Text | None = Field(default=None, description="Coordonnées du facilitateur")


class Lot(_Strict):
    """One lot: thresholds are assessed on the whole market, clauses lot by lot."""

    number: Annotated[str, Field(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9._-]+$")] = Field(
        description="Numéro du lot (lettres, chiffres, « . », « _ », « - »)")
    title: Text | None = Field(default=None, description="Intitulé du lot")
    amount: Amount = Field(description="Valeur estimée HT du lot")
    segment: Segment | None = Field(default=None, description="Segment d'achat du lot (à défaut, celui du marché)")
    cpv: Cpv | None = Field(default=None, description="Code CPV du lot")
    mode: Mode | None = Field(default=None, description="Mode d'insertion demandé pour le lot")
    reserved_for: Reservation | None = Field(default=None, description="Réservation du lot")
    insertion: Insertion | None = Field(default=None, description="Valeurs du calcul des heures propres au lot")


class Market(_Strict):
    """A market description: what the buyer is about to buy, how, and which insertion mode it wants."""

    segment: Segment | None = Field(default=None, description="Segment d'achat (déduit du CPV s'il est absent)")
    cpv: Cpv | None = Field(default=None, description="Code CPV, 8 chiffres avec ou sans chiffre de contrôle")
    amount: Amount = Field(description="Valeur estimée HT du contrat entier (tous lots, toutes années, options)")
    procedure: Procedure = Field(description="Procédure de passation")
    buyer_type: BuyerType = Field(description="Type d'acheteur")
    contract_type: ContractType = Field(default="marche", description="Type de contrat")
    reserved_for: Reservation | None = Field(default=None, description="Réservation du marché (absent : non réservé)")
    reserved_keep_clause: bool | None = Field(
        default=None, description="Marché ou lot réservé : garder une clause d'heures ou un critère d'insertion"
    )
    framework_amount: Amount | None = Field(
        default=None, description="Marché subséquent : valeur estimée HT de l'accord-cadre (seuils appréciés sur elle)"
    )
    mode: Mode | None = Field(default=None, description="Mode d'insertion demandé (absent : le moteur en recommande un)")
    launch_date: dt.date | None = Field(default=None, description="Date de lancement de la consultation")
    title: Text | None = Field(default=None, description="Objet du marché, repris dans le document")
    buyer_name: Text | None = Field(default=None, description="Nom de l'acheteur")
    reference: Text | None = Field(default=None, description="Référence de la consultation")
    duration_months: int | None = Field(default=None, ge=1, le=1200, description="Durée du marché en mois")
    insertion: Insertion | None = Field(
        default=None, description="Valeurs du calcul des heures d'insertion, à la place des valeurs de pratique")
    derogation: Derogation | None = Field(
        default=None, description="Dérogation motivée à la condition d'exécution sociale obligatoire")
    weights: Weights | None = Field(default=None, description="Pondérations des critères d'attribution, en %")
    penalty_per_hour: float | None = Field(default=None, gt=0, le=100_000, allow_inf_nan=False,
                                           description="Pénalité en € HT par heure d'insertion non réalisée")
    facilitator: Facilitator | None = Field(default=None, description="Facilitateur de la clause d'insertion")
    lots: list[Lot] | None = Field(default=None, min_length=1, max_length=200,
                                   description="Lots : les seuils s'apprécient sur le tout, les clauses lot par lot")

    @field_validator("launch_date")
    @classmethod
    def _plausible_date(cls, v):
        if v is not None and not (dt.date(2000, 1, 1) <= v <= dt.date(2100, 12, 31)):
            raise ValueError("date hors de la plage 2000-01-01 – 2100-12-31")
        return v

    @model_validator(mode="after")
    def _segment_or_cpv(self):
        if self.segment is None and self.cpv is None and not self.lots:
            raise ValueError("segment_ou_cpv")
        if (self.contract_type == "marche_subsequent") != (self.framework_amount is not None):
            raise ValueError("accord_cadre_montant")
        if self.framework_amount is not None and self.framework_amount < self.amount:
            raise ValueError("accord_cadre_inferieur")
        if self.lots:
            numbers = [lot.number for lot in self.lots]
            if len(set(numbers)) != len(numbers):
                raise ValueError("lots_doublons")
            total = sum(lot.amount for lot in self.lots)
            if total > self.amount * (1 + 1e-9):
                raise ValueError("lots_somme")
            for lot in self.lots:
                if lot.segment is None and lot.cpv is None and self.segment is None and self.cpv is None:
                    raise ValueError("segment_ou_cpv")
        return self
