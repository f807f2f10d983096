"""A procurement plan exported from a spreadsheet (CSV), read with French conventions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from pathlib import Path

from engine.batch.items import BatchInputError, Item, read_text
from engine.batch.naming import names_from_references

# CSV columns: the market's fields, nested ones with a dot; how each cell is read.
_NUMBER = ("amount", "framework_amount", "penalty_per_hour", "insertion.hourly_cost", "weights.price", "weights.environment",
           "weights.insertion")
_FRACTION = ("insertion.rate", "insertion.labour_share")  # "5 %" is 0.05
_INTEGER = ("duration_months", "insertion.hours")
_BOOLEAN = {"oui": True, "non": False, "true": True, "false": False, "vrai": True, "faux": False, "1": True, "0": False}
CSV_COLUMNS = ("segment", "cpv", "amount", "procedure", "buyer_type", "contract_type", "reserved_for", "mode",
               "launch_date", "title", "buyer_name", "reference", "duration_months", "penalty_per_hour",
               "insertion.rate", "insertion.labour_share", "insertion.hourly_cost", "insertion.hours",
               "derogation.reason", "derogation.justification", "weights.price", "weights.environment",
               "weights.insertion", "facilitator.name", "facilitator.contact", "framework_amount",
               "reserved_keep_clause")
# The column headers of `clausier batch-template`, as a spreadsheet user writes them; `batch` reads these
# as well as the field names (case, accents and spaces ignored).
CSV_HEADERS = {
    "reference": "Référence", "title": "Objet", "buyer_name": "Acheteur", "buyer_type": "Type d'acheteur",
    "segment": "Segment", "cpv": "Code CPV", "amount": "Montant HT", "procedure": "Procédure",
    "contract_type": "Type de contrat", "reserved_for": "Réservé à", "mode": "Mode d'insertion",
    "launch_date": "Date de lancement", "duration_months": "Durée (mois)",
    "penalty_per_hour": "Pénalité par heure (€ HT)", "insertion.rate": "Taux d'insertion",
    "insertion.labour_share": "Part de main-d'œuvre", "insertion.hourly_cost": "Coût horaire (€)",
    "insertion.hours": "Heures d'insertion imposées", "derogation.reason": "Motif de dérogation",
    "derogation.justification": "Justification de la dérogation", "weights.price": "Pondération prix (%)",
    "weights.environment": "Pondération environnement (%)", "weights.insertion": "Pondération insertion (%)",
    "facilitator.name": "Facilitateur", "facilitator.contact": "Contact du facilitateur",
    "framework_amount": "Montant de l'accord-cadre HT", "reserved_keep_clause": "Réservé : garder la clause",
}
# Columns whose cells hold a code of the vocabulary -> its section (a cell may hold the code or its label).
CODED_COLUMNS = {"segment": "segments", "procedure": "procedures", "buyer_type": "acheteurs",
                 "contract_type": "contrats", "reserved_for": "reservations", "mode": "modes",
                 "derogation.reason": "derogations"}


def plain(text: str) -> str:
    """Text compared without case, accents, typographic apostrophes or repeated spaces."""
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'")).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.casefold().split())


def column_names() -> dict[str, str]:
    """Every accepted header (plain) -> its column: field names and French headers."""
    names = {plain(c): c for c in CSV_COLUMNS}
    names.update({plain(header): column for column, header in CSV_HEADERS.items()})
    return names


def code_readers(vocabulary) -> dict[str, dict[str, str]]:
    """Column -> (plain code or French label -> code): what a cell of a coded column may hold.

    A label is also read without its final parenthesis (« condition d'exécution » for « condition
    d'exécution (clause d'insertion) ») when that shorter form names one value only.
    """
    readers = {}
    for column, section in CODED_COLUMNS.items():
        entries = getattr(vocabulary, section)
        known: dict[str, str] = {}
        short: dict[str, set[str]] = {}
        for code, entry in entries.items():
            known[plain(code)] = code
            for label in {entry.libelle, getattr(entry, "libelle_prive", entry.libelle)}:
                known.setdefault(plain(label), code)
                stem = re.sub(r"\s*\([^()]*\)\s*$", "", label)
                short.setdefault(plain(stem), set()).add(code)
        for stem, codes in short.items():
            if len(codes) == 1:
                known.setdefault(stem, next(iter(codes)))
        readers[column] = known
    return readers


def read_csv(path: Path, vocabulary=None) -> list[Item]:
    """The markets of a CSV plan; with `vocabulary`, coded cells may hold French labels."""
    text = read_text(path)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count) if any(c in first for c in ";,\t") else ";"
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(rows)
    except StopIteration:
        raise BatchInputError(f"{path} : fichier CSV vide") from None
    except csv.Error as exc:
        raise BatchInputError(f"{path} : CSV illisible ({_csv_reason(exc)})") from None
    known = column_names()
    readers = code_readers(vocabulary) if vocabulary is not None else {}
    columns: list[str | None] = []
    for cell in header:
        name = cell.strip()
        if not name:
            columns.append(None)  # an empty trailing column left by the spreadsheet
            continue
        column = known.get(plain(name))
        if column is None:
            raise BatchInputError(f"{path} : colonne inconnue « {name} » ; colonnes possibles : "
                                  + ", ".join(f"« {h} »" for h in CSV_HEADERS.values())
                                  + " (ou les noms des champs : " + ", ".join(CSV_COLUMNS) + ")")
        if column in columns:
            raise BatchInputError(f"{path} : colonne « {column} » en double")
        columns.append(column)
    items = []
    try:
        for number, cells in enumerate(rows, start=2):
            if not any(c.strip() for c in cells):
                continue
            source, name = f"ligne {number}", f"ligne-{number:05d}"
            extra = [c for c in cells[len(columns):] if c.strip()]
            if extra:
                items.append(Item(source, name, None, f"{len(cells)} cellules pour {len(columns)} colonnes "
                                                      "(séparateur ou guillemets à vérifier)"))
                continue
            market = csv_market(dict(zip(columns, cells)), readers)
            items.append(Item(source, name, market))
    except csv.Error as exc:
        raise BatchInputError(f"{path} : CSV illisible ligne {rows.line_num} ({_csv_reason(exc)})") from None
    return names_from_references(items, [i.payload.get("reference") if isinstance(i.payload, dict) else None
                                         for i in items])


def _csv_reason(exc: csv.Error) -> str:
    """The csv module's error in French (its own texts are English)."""
    text = str(exc)
    for english, french in (("line contains NUL", "la ligne contient un octet nul"),
                            ("field larger than field limit", "cellule trop longue"),
                            ("new-line character seen in unquoted field", "retour à la ligne hors guillemets"),
                            ("unexpected end of data", "fin de fichier inattendue"),
                            ("expected after", "guillemets mal fermés")):
        if english in text:
            return french
    return "format CSV invalide"


def csv_market(cells: dict[str | None, str], readers: dict[str, dict[str, str]] | None = None) -> dict:
    """A market description from one CSV row; empty cells are absent fields.

    French conventions: decimal comma, spaces (also non-breaking) or dots as thousands separators, « € »
    and « % » accepted (« 5 % » is 0.05 for a rate, 5 for a weight), dates as AAAA-MM-JJ or JJ/MM/AAAA,
    and CPV codes whose leading zero the spreadsheet dropped; with `readers` (code_readers), a coded cell
    may hold the code or its French label. A cell that cannot be read is passed on unchanged, so that
    validation names the field and what it expects.
    """
    readers = readers or {}
    market: dict = {}
    for column, raw in cells.items():
        if column is None or not raw.strip():
            continue
        text = raw.strip()
        if column in _NUMBER:
            value = _number(text)
        elif column in _FRACTION:
            value = _number(text, percent_is_fraction=True)
        elif column in _INTEGER:
            value = _number(text)
            value = int(value) if isinstance(value, float) and value.is_integer() else value
        elif column == "launch_date":
            value = _date(text)
        elif column == "reserved_keep_clause":
            value = _BOOLEAN.get(text.casefold(), text)
        elif column == "cpv":
            value = "0" + text if re.fullmatch(r"\d{7}(-\d)?", text) else text
        elif column in readers:
            value = readers[column].get(plain(text), text)
        else:
            value = text
        target = market
        *parents, leaf = column.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return market


_DECIMAL = re.compile(r"[+-]?\d+(\.\d+)?")


def _number(text: str, percent_is_fraction: bool = False) -> float | str:
    t = re.sub(r"[\s\u00a0\u202f€]", "", text)
    percent = t.endswith("%")
    t = t.rstrip("%")
    if "," in t:
        t = t.replace(".", "").replace(",", ".")
    elif t.count(".") > 1:
        t = t.replace(".", "")
    if not _DECIMAL.fullmatch(t):
        return text
    value = float(t)
    return value / 100 if percent and percent_is_fraction else value


def _date(text: str) -> str:
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return text
    return text
