"""Small cleaners for the quirks of published DECP values (no legal value here).

Each returns the cleaned value and whether it had to be repaired, so the caller can raise a flag.
"""

from __future__ import annotations

import ast
import datetime as dt
import functools
import html
import re
import unicodedata

# Placeholders some exports put in empty cells (« Conforme à la DECP livrée », « manquant »), and spellings of nothing
PLACEHOLDERS = frozenset({"", "cdl", "mq", "nan", "none", "null", "n/a", "na", "nc", "-", "[]", "{}"})
_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(.*)$")
_DATE_FR = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_DATE_TAIL = re.compile(r"^(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?\s*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SPACES = re.compile(r"\s+")
_CPV = re.compile(r"^(\d{8})(?:-(\d))?$")
EARLIEST, LATEST_YEARS_AHEAD = dt.date(2000, 1, 1), 2  # a date outside this span is a typing error


def is_placeholder(value) -> bool:
    if value is None:
        return True
    # every placeholder is short: long strings (most values) are answered without stripping them
    return value.__class__ is str and len(value) < 8 and value.strip().lower() in PLACEHOLDERS


def text(value) -> str:
    """One-line text: HTML entities decoded, control characters dropped, spaces collapsed, NFC."""
    if is_placeholder(value):
        return ""
    s = value if value.__class__ is str else str(value)
    if s.isascii() and s.isprintable() and "&" not in s and "  " not in s and s[:1] != " " and s[-1:] != " ":
        return s  # the common case: nothing to clean
    if "&" in s:
        s = html.unescape(s)
    s = _CONTROL.sub(" ", s)
    return unicodedata.normalize("NFC", _SPACES.sub(" ", s).strip())


def key(value) -> str:
    """A comparison key for labels: lower case, no accents, single spaces (« CONCESSION DE TRAVAUX »)."""
    if value is None:
        return ""
    return _key(value if value.__class__ is str else str(value))


@functools.lru_cache(maxsize=4096)  # labels (nature, procedure, techniques…) repeat across records
def _key(value: str) -> str:
    s = unicodedata.normalize("NFKD", text(value)).encode("ascii", "ignore").decode().lower()
    return _SPACES.sub(" ", s.replace("’", "'")).strip()


def date(value, today: dt.date) -> tuple[dt.date | None, bool]:
    """A DECP date: `AAAA-MM-JJ`, possibly with a time or a time-zone offset (kept as the local date).

    Returns (date or None, repaired). `JJ/MM/AAAA` is accepted (repaired); an impossible or implausible date
    (before 2000, more than two years ahead) counts as missing.
    """
    if is_placeholder(value) or not isinstance(value, str):
        return None, False
    m = _DATE.match(value)
    repaired = False
    if m:
        y, mo, d, tail = m.groups()
        if tail and not _DATE_TAIL.match(tail):
            return None, False
        repaired = bool(tail.strip())
    else:
        m = _DATE_FR.match(value)
        if not m:
            return None, False
        d, mo, y = m.groups()
        repaired = True
    try:
        out = dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None, False
    if not (EARLIEST <= out <= today.replace(year=today.year + LATEST_YEARS_AHEAD)):
        return None, False
    return out, repaired


def amount(value) -> float | None:
    """An amount in euros: numbers, strings (`"7789456.56"`, `"1.0E7"`, `"61 100,50"`); None when absent."""
    if isinstance(value, bool) or is_placeholder(value):
        return None
    if isinstance(value, (int, float)):
        out = float(value)
    else:
        s = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
        if "," in s and "." not in s:
            s = s.replace(",", ".")
        try:
            out = float(s)
        except ValueError:
            return None
    return out if out == out and out not in (float("inf"), float("-inf")) else None


def cpv(value) -> tuple[str | None, str | None]:
    """(8-digit code, check digit or None) from `45320000-6`, `45320000`, ` 45320000 `; (None, None) if unreadable."""
    if is_placeholder(value):
        return None, None
    s = str(value).strip().replace(" ", "")
    if s.isdigit() and 6 <= len(s) < 8:  # leading zeros lost by a spreadsheet (03000000 -> 3000000)
        s = s.zfill(8)
    m = _CPV.match(s)
    return (m.group(1), m.group(2)) if m else (None, None)


def listing(value) -> list[str] | None:
    """A list field: a JSON list, a v2 wrapper {"considerationSociale": [...]}, a Python list written in a CSV
    cell (`['Pas de considération sociale']`) or a single value. None when absent (unknown), [] when empty."""
    if value is None:
        return None
    if isinstance(value, dict):
        inner = [v for v in value.values()]
        if len(inner) == 1:
            return listing(inner[0])
        return None
    if isinstance(value, list):
        return [text(v) for v in value if not is_placeholder(v) and not isinstance(v, (dict, list))]
    s = str(value).strip()
    if s.lower() in PLACEHOLDERS:
        return [] if s == "[]" else None
    if s.startswith("[") and s.endswith("]"):
        try:
            parsed = ast.literal_eval(s)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            parsed = [p.strip(" '\"") for p in s[1:-1].split(",")]
        if isinstance(parsed, (list, tuple)):
            return [text(v) for v in parsed if not is_placeholder(v)]
    return [text(s)]


def identifier(value) -> str:
    """An identifier as text (SIRETs with leading zeros stay text; `12345.0` from a spreadsheet loses `.0`)."""
    if is_placeholder(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return text(value)
