"""The buyer's type, which DECP does not publish: from a BUYERS.csv file, the buyer's name, its SIREN, or a default.

How each type was inferred is recorded (`type_acheteur_source`): « fichier_acheteurs », « nom », « siren »,
« defaut ». The inference errs on the side of the higher EU threshold: a State service recognised only by
its SIREN counts as a public establishment (threshold of the other contracting authorities), so that a
contract is never declared subject to the obligation on a guess. Use BUYERS.csv to be exact.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import get_args

from engine.market.model import Market

from . import quirks

# Name patterns (matched on the accent-free lower-case name), first match wins. Not legal values: hints.
_NAME_HINTS: tuple[tuple[str, re.Pattern], ...] = tuple((t, re.compile(p)) for t, p in (
    ("etat", r"\b(ministere|prefecture|prefet|direction (regionale|departementale|interdepartementale)|rectorat|"
             r"ambassade|secretariat general pour l'administration|gendarmerie|dir[a-z]* des routes)\b"),
    ("etablissement_public", r"\b(centre hospitalier|chu|chr|hopita(l|ux)|ehpad|office public|oph|opac|"
                             r"universite|lycee|college|ccas|cias|centre communal|sdis|service departemental "
                             r"d'incendie|etablissement public|epic|epa|gip|groupement d'interet public|"
                             r"caisse|ecole|institut|cnrs|inserm|chambre de)\b"),
    ("collectivite", r"\b(commune|mairie|ville|departement|conseil departemental|region|conseil regional|"
                     r"communaute (de communes|d'agglomeration|urbaine)|metropole|syndicat|sivom|sivu|"
                     r"collectivite|territoire|agglo|cc |ca )\b"),
))
# First digit of the SIREN: 1 State and national public bodies, 2 local authorities and local public bodies.
_SIREN_HINTS = {"1": "etablissement_public", "2": "collectivite"}
DEFAULT = "collectivite"


def buyer_types() -> tuple[str, ...]:
    """The buyer types the engine knows (read from Market: new types are accepted as they come)."""
    return get_args(Market.model_fields["buyer_type"].annotation)


class BuyersFileError(Exception):
    pass


def load_buyers(path: Path) -> dict[str, tuple[str, str]]:
    """BUYERS.csv: columns `siret` (or `siren`) and `type` (+ optional `nom`); `;` or `,`. -> id -> (type, name)."""
    allowed = buyer_types()
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            head = f.readline()
            f.seek(0)
            delimiter = ";" if head.count(";") >= head.count(",") else ","
            reader = csv.DictReader(f, delimiter=delimiter)
            columns = {c.strip().lower(): c for c in reader.fieldnames or []}
            id_col = columns.get("siret") or columns.get("siren") or columns.get("acheteur_id")
            type_col = columns.get("type") or columns.get("type_acheteur")
            if not id_col or not type_col:
                raise BuyersFileError(f"{path} : colonnes « siret » et « type » attendues (trouvées : "
                                      f"{', '.join(reader.fieldnames or []) or 'aucune'})")
            out: dict[str, tuple[str, str]] = {}
            for line, row in enumerate(reader, start=2):
                ident = re.sub(r"\s", "", row.get(id_col) or "")
                kind = (row.get(type_col) or "").strip()
                if not ident:
                    continue
                if kind not in allowed:
                    raise BuyersFileError(f"{path}, ligne {line} : type « {kind} » inconnu ; valeurs possibles : "
                                          f"{', '.join(allowed)}")
                out[ident] = (kind, quirks.text(row.get(columns.get("nom", ""), "")))
            return out
    except OSError as exc:
        raise BuyersFileError(f"{path} : lecture impossible ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise BuyersFileError(f"{path} : le fichier doit être en UTF-8") from None


def infer(buyer_id: str, name: str, known: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(buyer type, how it was inferred)."""
    ident = buyer_id.replace(" ", "")
    for candidate in (ident, ident[:9]):
        if candidate and candidate in known:
            return known[candidate][0], "fichier_acheteurs"
    if name:
        lowered = quirks.key(name) + " "
        for kind, pattern in _NAME_HINTS:
            if pattern.search(lowered):
                return kind, "nom"
    if len(ident) == 14 and ident.isdigit() and ident[0] in _SIREN_HINTS:
        return _SIREN_HINTS[ident[0]], "siren"
    return DEFAULT, "defaut"
