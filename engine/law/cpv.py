"""CPV codes as data: the whole CPV 2008 nomenclature (`rulesets/cpv-2008.csv`) and the code lists the law
refers to (social and specific services, services reservable to ESS enterprises), each a CSV file under
`rulesets/` named by a dated parameter.

A code is matched exactly (eight digits), never by a prefix: the lists are the official lists expanded
against the nomenclature, so an existing code is in a list exactly when a listed code or range covers it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from engine.errors import RulesetError


@dataclass(frozen=True)
class CpvEntry:
    code: str  # with its check digit, « 90910000-9 »
    label: str


class CpvNomenclature:
    """The CPV 2008 main vocabulary: every code with its official check digit and French label."""

    def __init__(self, entries: dict[str, CpvEntry]):
        self._entries = entries

    def __contains__(self, code8: str) -> bool:
        return code8 in self._entries

    def get(self, code8: str) -> CpvEntry | None:
        return self._entries.get(code8)

    def problem(self, code: str) -> str | None:
        """Why `code` (« 90910000 » or « 90910000-9 ») is not a CPV 2008 code, in French; None if it is."""
        entry = self._entries.get(code[:8])
        if entry is None:
            return (f"le code CPV « {code} » n'existe pas dans la nomenclature CPV 2008 : "
                    "vérifiez les huit chiffres")
        if len(code) > 8 and code != entry.code:
            return (f"le chiffre de contrôle du code CPV « {code} » est faux : le code officiel est "
                    f"« {entry.code} » ({entry.label})")
        return None


def _rows(path: Path, root: Path) -> list[dict]:
    shown = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RulesetError(shown, None, f"fichier CSV illisible ({exc})") from None


def load_nomenclature(path: Path, root: Path) -> CpvNomenclature:
    entries = {}
    for row in _rows(path, root):
        code = (row.get("CODE") or "").strip()
        if len(code) != 10 or not code[:8].isdigit():
            raise RulesetError(str(path.relative_to(root)), None, f"code CPV mal formé « {code} » (colonnes CODE,FR attendues)")
        entries[code[:8]] = CpvEntry(code, (row.get("FR") or "").strip())
    return CpvNomenclature(entries)


def load_code_list(path: Path, root: Path, nomenclature: CpvNomenclature) -> frozenset[str]:
    """The eight-digit codes of a list file (first column), each checked against the nomenclature."""
    shown = str(path.relative_to(root))
    codes = set()
    for row in _rows(path, root):
        code = next(iter(row.values()), "") or ""
        code = code.strip()[:8]
        if code not in nomenclature:
            raise RulesetError(shown, None, f"code « {code} » absent de la nomenclature CPV 2008")
        codes.add(code)
    if not codes:
        raise RulesetError(shown, None, "liste de codes CPV vide")
    return frozenset(codes)
