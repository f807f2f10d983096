"""The template context as types: every variable a template may use (docs/template-context.md).

`build_context` returns a `TemplateContext`; `templates check` derives the variables that exist from these
types (`skeleton`), not from sample markets. TypedDicts cost nothing at render time; the tests validate
real contexts against them (pydantic, unknown keys refused). Every value a template prints is text, already
formatted in French. Keys of `blocs`, `bases*` and `contenus` come from the rulesets (blocks the rules may
select, content lists).
"""

from __future__ import annotations

from typing import Literal, Union, get_args, get_origin, get_type_hints

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict  # pydantic validates these on Python < 3.12

_strict = with_config(ConfigDict(extra="forbid", strict=True))  # unknown keys are refused when validated


@_strict
class Doc(TypedDict):
    sous_titre: str
    date_droit: str
    date_origine: str
    version: str
    aide_relecture: str
    entete: str
    pied: str


@_strict
class Marche(TypedDict):
    titre: str
    acheteur: str
    acheteur_libelle: str
    reference: str
    montant: str
    contrat: str
    procedure: str
    segment: str
    support: str
    cpv_mention: str
    duree: str
    designation: str
    titulaire: str
    role_acheteur: str
    piece: str
    pieces: str


@_strict
class Heures(TypedDict):
    valeur: str
    calcul: str


@_strict
class Lot(TypedDict):
    numero: str
    titre: str
    montant: str
    mode: str
    heures: str
    calcul: str
    reserve: str


@_strict
class Facilitateur(TypedDict):
    nom: str
    contact: str


@_strict
class Penalite(TypedDict):
    montant: str
    suivi: str


@_strict
class Derogation(TypedDict):
    motif: str
    justification: str


@_strict
class ReservationTerms(TypedDict):
    beneficiaires: str
    travailleurs: str
    proportion_phrase: str
    article: str
    article_de: str
    mention: str


@_strict
class ReservedLot(ReservationTerms):
    numero: str
    titre: str


@_strict
class Reserve(ReservationTerms):
    duree_max: str
    lots: list[ReservedLot]


@_strict
class Pme(TypedDict):
    part: str


@_strict
class LigneCritere(TypedDict):
    libelle: str
    poids: str


@_strict
class Criteres(TypedDict):
    intro: str
    entete: str
    lignes: list[LigneCritere]
    article: str             # where the insertion criterion rests (R2152-7, R3124-4 for a concession)


@_strict
class LotCritere(TypedDict):
    numero: str
    titre: str
    criteres: Criteres
    condition_obligatoire: str  # basis of the mandatory social condition the lot still owes, or ""


@_strict
class LotCondition(TypedDict):
    numero: str
    titre: str
    heures: str
    calcul: str
    ccag: str               # the CCAG the lot's clause refers to, or "" when the rules activate none


@_strict
class Ccag(TypedDict):
    nom: str
    intitule: str
    insertion: str
    contradictoire: str
    contradictoire_a: str


@_strict
class Perimetre(TypedDict):
    objet: str


@_strict
class Achat(TypedDict):
    fournisseur: str


@_strict
class Oeth(TypedDict):
    texte: str


@_strict
class LigneMarche(TypedDict):
    cle: str
    valeur: str


@_strict
class HeuresAnnexe(TypedDict):
    formule: str
    lignes: list[str]


@_strict
class RegleAnnexe(TypedDict):
    n: str
    libelle: str
    id: str
    fondement: str
    faits: str


@_strict
class Annexe(TypedDict):
    marche: list[LigneMarche]
    droit: str
    decision: list[str]
    heures: Union[HeuresAnnexe, None]  # None when the clause has no hours
    obligations: list[str]
    avertissements: list[str]
    non_verifies: list[str]
    recommandations: list[str]
    regles: list[RegleAnnexe]
    references: list[str]


@_strict
class TemplateContext(TypedDict):
    doc: Doc
    marche: Marche
    heures: Heures
    lots: list[Lot]
    lots_critere: list[LotCritere]  # lots whose own mode is the criterion, in a document of another mode
    lots_condition: list[LotCondition]  # lots whose own mode is the execution condition, in another mode's document
    blocs: dict[str, bool]       # every block the rules may select: selected or not
    bases: dict[str, str]        # legal basis of each selected block, « l'article … »
    bases_de: dict[str, str]     # the same after « de » (« de l'article … »)
    bases_a: dict[str, str]      # the same after « à » (« à l'article … »)
    facilitateur: Facilitateur
    penalite: Penalite
    derogation: Derogation
    reserve: Reserve
    pme: Pme
    criteres: Criteres
    ccag: Ccag                   # the CCAG preselected from the segment (practice), with its articles
    perimetre: Perimetre
    contenus: dict[str, list[str]]  # content lists of contenus.yaml, by name
    achat: Achat
    oeth: Oeth
    annexe: Union[Annexe, Literal[False]]  # False without the annex (--no-annex)


def skeleton(kind=TemplateContext, keys: dict[str, list[str]] | None = None):
    """A value of type `kind` holding every variable it declares (lists with one item, text as ""):
    what `templates check` compares a template's variables with. `keys` gives the keys of the dicts
    whose keys come from the rulesets (`blocs`, `bases`, `bases_de`, `bases_a`, `contenus`)."""
    keys = keys or {}
    origin = get_origin(kind)
    if origin is list:
        return [skeleton(get_args(kind)[0], keys)]
    if origin is Union:
        return skeleton(next(a for a in get_args(kind) if get_origin(a) is not Literal and a is not type(None)), keys)
    if isinstance(kind, type) and issubclass(kind, dict) and hasattr(kind, "__annotations__"):
        out = {}
        for name, hint in get_type_hints(kind).items():
            if get_origin(hint) is dict:
                out[name] = {k: skeleton(get_args(hint)[1], keys) for k in keys.get(name, [])}
            else:
                out[name] = skeleton(hint, keys)
        return out
    return {bool: False, str: ""}.get(kind, "")
