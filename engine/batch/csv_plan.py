"""A procurement plan exported from a spreadsheet (CSV), read with French conventions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

from engine.batch.items import BatchInputError, Item, read_text

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


def read_csv(path: Path) -> list[Item]:
    text = read_text(path)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count) if any(c in first for c in ";,\t") else ";"
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(rows)
    except StopIteration:
        raise BatchInputError(f"{path} : fichier CSV vide") from None
    except csv.Error as exc:
        raise BatchInputError(f"{path} : CSV illisible ({exc})") from None
    known = {c.casefold(): c for c in CSV_COLUMNS}
    columns: list[str | None] = []
    for cell in header:
        name = cell.strip()
        if not name:
            columns.append(None)  # an empty trailing column left by the spreadsheet
            continue
        column = known.get(name.casefold())
        if column is None:
            raise BatchInputError(f"{path} : colonne inconnue « {name} » ; colonnes possibles : "
                                  + ", ".join(CSV_COLUMNS))
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
            items.append(Item(source, name, csv_market(dict(zip(columns, cells)))))
    except csv.Error as exc:
        raise BatchInputError(f"{path} : CSV illisible ligne {rows.line_num} ({exc})") from None
    return items


def csv_market(cells: dict[str | None, str]) -> dict:
    """A market description from one CSV row; empty cells are absent fields.

    French conventions: decimal comma, spaces (also non-breaking) or dots as thousands separators, « € »
    and « % » accepted (« 5 % » is 0.05 for a rate, 5 for a weight), dates as AAAA-MM-JJ or JJ/MM/AAAA,
    and CPV codes whose leading zero the spreadsheet dropped. A cell that cannot be read is passed on
    unchanged, so that validation names the field and what it expects.
    """
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
