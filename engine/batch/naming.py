"""Output file names: safe (never outside the output folder) and unique in a batch (first in input order wins)."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from engine.batch.items import Item

MAX_NAME = 100
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def safe_name(stem: str) -> str:
    """A file name stem made only of ASCII letters, digits, « . », « _ » and « - », never hidden.

    Path separators, « .. », accents and spaces cannot survive, so an output never lands outside the
    output folder; names that would be empty or reserved on Windows get a neutral form.
    """
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_text).strip("._-")[:MAX_NAME].rstrip("._-")
    if not name:
        return "marche"
    if name.split(".")[0].casefold() in _RESERVED:
        name = f"marche-{name}"
    return name


def names_from_references(items: list[Item], references: list[str | None]) -> list[Item]:
    """Rows of a plan named after their reference (« 2026-TRX-014.docx ») rather than their line, when they have
    one; a reference shared by several rows gets the line number too (« 2026-TRX-014_ligne-00007 »)."""
    named = [safe_name(ref) if isinstance(ref, str) and ref.strip() else None for ref in references]
    seen: dict[str, int] = {}
    for name in named:
        if name:
            seen[name.casefold()] = seen.get(name.casefold(), 0) + 1
    out = []
    for item, name in zip(items, named):
        if name:
            name = name if seen[name.casefold()] == 1 else f"{name}_{item.name}"
            item = Item(item.source, name, item.payload, item.problem)
        out.append(item)
    return out


def unique_names(items: list[Item]) -> list[Item]:
    """The first market (in input order) keeps a name; later ones that collide are refused."""
    owners: dict[str, str] = {}
    out = []
    for item in items:
        key = item.name.casefold()  # case-insensitive file systems would merge them
        if key in owners:
            item = Item(item.source, item.name, None,
                        f"nom de sortie « {item.name} » déjà pris par « {owners[key]} » : renommez le fichier")
        else:
            owners[key] = item.source
        out.append(item)
    return out


def output_path(outdir: Path, item: Item, fmt: str) -> Path:
    """Where `item`'s output goes; refuses any name that would leave `outdir`."""
    path = outdir / f"{item.name}.{fmt}"
    if path.parent != outdir or path.name.startswith((".", "_")) or "/" in item.name or "\\" in item.name:
        raise ValueError(f"nom de sortie refusé : {item.name!r}")
    return path
