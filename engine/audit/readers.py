"""Read DECP files as published, as a stream of raw records: the format is recognised from the content.

- JSON 2019 (v1.x): `{"marches": [ {...}, ... ]}` (marchés and concessions in one list, `_type` tells them apart);
- JSON 2022 (v2.0.x): `{"marches": {"marche": [...], "contrat-concession": [...]}}`;
- CSV: the consolidated tabular DECP (`,`, one row per contract and holder) and Bercy's « DECP augmentées »
  (`;`, UTF-8 BOM, CRLF); the separator is taken from the header line.

A reader yields `(format, position, record)` where `record` is a dict (JSON) or a dict of column -> text (CSV),
or `(format, position, ReadProblem)` for a record that cannot be read. A file that ends in the middle of a JSON
document yields one problem and stops: the records before it are kept. Memory: one record at a time.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import ijson

JSON_2019, JSON_2022, CSV_TABULAR, CSV_AUGMENTED = "json_2019", "json_2022", "csv_tabulaire", "csv_augmente"
FORMAT_LABELS = {
    JSON_2019: "JSON 2019 (format 1.x)",
    JSON_2022: "JSON 2022 (format 2.0)",
    CSV_TABULAR: "CSV tabulaire consolidé",
    CSV_AUGMENTED: "CSV « DECP augmentées »",
}
_SNIFF_BYTES = 64 * 1024
csv.field_size_limit(10 * 1024 * 1024)  # a cell holding a whole list of modifications


class UnreadableFile(Exception):
    """The file cannot be opened or is in no DECP format (the message is French and names the file)."""


@dataclass(frozen=True)
class ReadProblem:
    reason: str  # short French reason, used as a counter key
    detail: str = ""


def sniff(path: Path) -> str:
    """The format of a DECP file, from its first bytes: « json » or a CSV format. Raises UnreadableFile."""
    try:
        with open(path, "rb") as f:
            head = f.read(_SNIFF_BYTES)
    except OSError as exc:
        raise UnreadableFile(f"{path} : lecture impossible ({exc.strerror or exc})") from None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not text:
        raise UnreadableFile(f"{path} : fichier vide")
    if text[:1] in (b"{", b"["):
        return "json"
    first = text.split(b"\n", 1)[0].decode("utf-8", "replace").lower()
    decp = "codecpv" in first and ("acheteur.id" in first or "acheteur_id" in first)
    if decp and first.count(";") > first.count(","):
        return CSV_AUGMENTED
    if decp:
        return CSV_TABULAR
    raise UnreadableFile(f"{path} : format non reconnu (ni JSON DECP, ni CSV avec une colonne acheteur et codeCPV)")


def read(path: Path, progress=None):
    """Yield (format, position, record or ReadProblem) for every record of a DECP file.

    `progress(n)` is called with the number of bytes read since its last call (for a progress bar).
    """
    kind = sniff(path)
    try:
        if kind == "json":
            yield from _read_json(path, progress)
        else:
            yield from _read_csv(path, kind, progress)
    except OSError as exc:  # the file vanished or the disk failed mid-way: what was read is kept
        yield (JSON_2019 if kind == "json" else kind), 0, ReadProblem(
            "lecture interrompue (erreur du système de fichiers)", str(exc)[:200])


class _Counting(io.RawIOBase):
    """A binary file that reports how many bytes were read (JSON is parsed from it in 64 KiB chunks)."""

    def __init__(self, raw, progress):
        self._raw, self._progress = raw, progress

    def readable(self):
        return True

    def readinto(self, b):
        n = self._raw.readinto(b)
        if n and self._progress:
            self._progress(n)
        return n


def _json_layout(path: Path) -> list[tuple[str, str, bool | None]]:
    """Where the records sit: [(ijson prefix, format, concession)], from the first events of the file."""
    try:
        with open(path, "rb") as f:
            if f.read(3) != b"\xef\xbb\xbf":
                f.seek(0)
            for prefix, event, _value in ijson.parse(f):
                if prefix == "" and event == "start_array":
                    return [("item", JSON_2019, None)]
                if prefix == "marches" and event == "start_array":
                    return [("marches.item", JSON_2019, None)]
                if prefix == "marches" and event == "start_map":
                    return [("marches.marche.item", JSON_2022, False),
                            ("marches.contrat-concession.item", JSON_2022, True)]
                if prefix == "marches":
                    return []
    except (ijson.common.IncompleteJSONError, UnicodeDecodeError):
        return []
    return []


def _read_json(path: Path, progress):
    """Records under each list of the layout, parsed in C (ijson.items): one pass per list (the marchés, then
    the concessions of a 2022 file); only the first pass reports progress."""
    layout = _json_layout(path)
    if not layout:
        yield JSON_2019, 0, ReadProblem("JSON sans liste « marches » reconnue, ou illisible dès le début", path.name)
        return
    position = 0
    for n, (prefix, fmt, concession) in enumerate(layout):
        with open(path, "rb") as raw:
            f = io.BufferedReader(_Counting(raw, progress if n == 0 else None), 64 * 1024)
            if f.peek(3)[:3] == b"\xef\xbb\xbf":
                f.read(3)
            try:
                for record in ijson.items(f, prefix, use_float=True):
                    position += 1
                    if not isinstance(record, dict):
                        yield fmt, position, ReadProblem("enregistrement qui n'est pas un objet JSON", repr(record)[:80])
                        continue
                    if concession is not None:
                        record["_concession"] = concession
                    yield fmt, position, record
            except ijson.common.IncompleteJSONError as exc:
                position += 1
                yield fmt, position, ReadProblem("fichier JSON tronqué ou mal formé (lecture arrêtée)", str(exc)[:200])
                return
            except UnicodeDecodeError as exc:
                position += 1
                yield fmt, position, ReadProblem("encodage non UTF-8 (lecture arrêtée)", str(exc)[:200])
                return


def _read_csv(path: Path, kind: str, progress):
    delimiter = ";" if kind == CSV_AUGMENTED else ","
    with open(path, "rb") as raw:
        counting = io.BufferedReader(_Counting(raw, progress), 64 * 1024)
        text = io.TextIOWrapper(counting, encoding="utf-8-sig", errors="replace", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            return
        width = len(header)
        position = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                position += 1
                yield kind, position, ReadProblem("ligne CSV mal formée", str(exc)[:200])
                continue
            if not cells or (len(cells) == 1 and not cells[0].strip()):
                continue  # blank line
            position += 1
            if len(cells) != width:
                yield kind, position, ReadProblem(
                    "ligne CSV au nombre de colonnes inattendu", f"{len(cells)} colonnes pour {width} en en-tête")
                continue
            yield kind, position, dict(zip(header, cells))
