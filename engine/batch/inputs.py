"""Reading a batch: a folder of JSON files, a JSON Lines file or a CSV procurement plan, as Items in order."""

from __future__ import annotations

import json
from pathlib import Path

from engine.batch.csv_plan import read_csv
from engine.batch.items import BatchInputError, Item, read_text
from engine.batch.naming import names_from_references, safe_name, unique_names

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")


def read_input(path: Path, outdir: Path | None = None, rulesets: Path | None = None) -> list[Item]:
    """The markets of a folder of .json files, a JSON Lines file or a CSV procurement plan, in order.

    Rows of a JSON Lines or CSV plan are named after their reference when they have one, after their line
    otherwise; a CSV cell may hold a code or its French label (vocabulary of `rulesets`).

    Raises:
        BatchInputError: the input does not exist, is of an unknown kind, or its CSV header is invalid.
    """
    if path.is_dir():
        if outdir is not None and outdir.resolve() == path.resolve():
            raise BatchInputError(f"{path} : le dossier de sortie doit être distinct du dossier d'entrée")
        items = _read_folder(path)
    elif not path.exists():
        raise BatchInputError(f"{path} : fichier ou dossier introuvable", "fichier_introuvable")
    elif path.suffix.lower() in JSONL_SUFFIXES:
        items = _read_jsonl(path)
    elif path.suffix.lower() == ".csv":
        items = read_csv(path, _vocabulary(rulesets))
    else:
        raise BatchInputError(f"{path} : entrée non reconnue ; un dossier de fichiers .json, un fichier .jsonl "
                              "ou un fichier .csv est attendu")
    if not items:
        raise BatchInputError(f"{path} : aucun marché à traiter")
    return unique_names(items)


def _vocabulary(rulesets: Path | None):
    from engine.law.knowledge import knowledge

    return knowledge(rulesets).vocabulary


def _read_folder(folder: Path) -> list[Item]:
    files = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() == ".json" and not p.name.startswith(".") and p.is_file())
    return [Item(p.name, safe_name(p.stem), p) for p in files]


def _read_jsonl(path: Path) -> list[Item]:
    items = []
    for number, line in enumerate(read_text(path).split("\n"), start=1):  # not splitlines(): U+2028 is valid JSON
        line = line.rstrip("\r")
        if line.strip():
            items.append(Item(f"ligne {number}", f"ligne-{number:05d}", line))
    return names_from_references(items, [_reference(item.payload) for item in items])


def _reference(line: str) -> str | None:
    """The reference of a JSON line, if it has one (an unreadable line keeps its line number)."""
    if '"reference"' not in line:
        return None
    try:
        value = json.loads(line)
    except ValueError:
        return None
    return value.get("reference") if isinstance(value, dict) else None

