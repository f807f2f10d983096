"""Reading a market description: bytes/text/dict -> Market, or an InputError naming each bad field in French.

Strict on purpose: JSON types are not coerced ("100000" is not an amount); NaN/Infinity, numbers beyond
float range, integers of more than 30 digits, lone surrogates and duplicate keys are refused with the path
of the value; UTF-8 with or without BOM is accepted (UTF-16/32 are named), oversized or too deeply nested
input is refused. Messages never echo more than a short, escaped excerpt of the input.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

from pydantic import ValidationError

from engine.errors import FieldProblem, InputError, schema_location
from engine.fmt import plain_number
from engine.market.model import Market
from engine.market.suggest import close_match, fields_at, literal_values

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 20

_MODEL_CODES = {
    "segment_ou_cpv": ("segment", "renseignez « segment » ou « cpv » (le segment est alors déduit du code CPV)"),
    "lots_doublons": ("lots", "deux lots portent le même numéro"),
    "accord_cadre_montant": ("framework_amount", "renseignez « framework_amount » (valeur estimée HT de l'accord-cadre) "
                             "pour un marché subséquent (« contract_type »: « marche_subsequent »), et seulement pour lui"),
    "accord_cadre_inferieur": ("framework_amount", "la valeur de l'accord-cadre ne peut être inférieure au montant "
                               "du marché subséquent (« amount »)"),
    "lots_somme": ("lots", "la somme des montants des lots dépasse le montant total du marché (« amount »)"),
}


MAX_NUMBER_DIGITS = 30  # longer integers are typing errors (and Python refuses > 4300 digits anyway)
MAX_PROBLEMS = 30  # beyond this the message stops being readable: the rest is counted, not listed
# shown as <U+XXXX> in messages: controls, surrogates, non-characters, line separators and the bidi
# controls a terminal would obey (reordering the message, "Trojan Source")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class _Refused:
    """A JSON value refused while parsing (NaN, 1e400, a 5 000-digit integer): reported with its path."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


class _Object(dict):
    """A JSON object that remembers the keys it saw twice."""

    duplicates: tuple[str, ...] = ()



def read_market_file(path) -> bytes:
    """A market file's bytes, at most the size limit plus one: enough for `load_json` to refuse a bigger one
    without reading a stray multi-gigabyte file whole."""
    with open(path, "rb") as fh:
        return fh.read(MAX_BYTES + 1)

def _constant(name: str) -> _Refused:
    return _Refused(f"{name} n'est pas une valeur JSON admise : un nombre fini est attendu")


def _float(text: str):
    value = float(text)
    if not math.isfinite(value):
        return _Refused(f"nombre hors limites ({safe(text, 30)}) : un nombre fini est attendu")
    return value


def _int(text: str):
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        return _Refused(f"nombre trop grand (plus de {MAX_NUMBER_DIGITS} chiffres)")
    return int(text)


def _object(pairs) -> _Object:
    out = _Object()
    duplicates = []
    for key, value in pairs:
        if key in out and key not in duplicates:
            duplicates.append(key)
        out[key] = value
    if duplicates:
        out.duplicates = tuple(duplicates)
    return out


def safe(text: str, limit: int = 60) -> str:
    """`text` fit to be shown in a message: control and invalid characters as U+XXXX, shortened."""
    shown = text if len(text) <= limit else text[:limit] + "…"
    return _UNSAFE.sub(lambda m: f"<U+{ord(m.group()):04X}>", shown)


def _scan(obj: Any, limit: int) -> tuple[int, list[FieldProblem]]:
    """Depth of `obj` and the problems JSON parsing left in it, each with its JSON path."""
    problems: list[FieldProblem] = []
    stack: list[tuple[Any, tuple, int]] = [(obj, (), 1)]
    deepest = 0
    while stack:
        node, loc, d = stack.pop()
        deepest = max(deepest, d)
        if d > limit:
            return d, problems
        if isinstance(node, _Refused):
            problems.append(FieldProblem(_path(loc), node.message))
        elif isinstance(node, float) and not math.isfinite(node):
            problems.append(FieldProblem(_path(loc), "doit être un nombre fini"))
        elif isinstance(node, str) and _INVALID_UNICODE.search(node):
            problems.append(FieldProblem(_path(loc), _unicode_message(node)))
        elif isinstance(node, dict):
            for key in getattr(node, "duplicates", ()):
                problems.append(FieldProblem(_path((*loc, key)), "clé en double : chaque champ ne doit apparaître qu'une fois",
                                             "json_invalide"))
            for key, value in node.items():
                if isinstance(key, str) and _INVALID_UNICODE.search(key):
                    problems.append(FieldProblem(_path((*loc, key)), "nom de champ : " + _unicode_message(key)))
                    continue
                stack.append((value, (*loc, key), d + 1))
        elif isinstance(node, (list, tuple)):
            stack.extend((v, (*loc, i), d + 1) for i, v in enumerate(node))
    problems.sort(key=lambda p: p.path)
    return deepest, problems


_INVALID_UNICODE = re.compile(r"[\ud800-\udfff]")


def _unicode_message(text: str) -> str:
    pos = _INVALID_UNICODE.search(text).start()
    return (f"caractère Unicode invalide en position {pos + 1} (demi-paire de substitution "
            f"U+{ord(text[pos]):04X}) : un texte Unicode valide est attendu")


_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def _decode(data: bytes, source: str | None) -> str:
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise InputError([FieldProblem("$", f"le fichier est encodé en {name} : enregistrez-le en UTF-8", "json_invalide")], source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            [FieldProblem("$", f"le fichier n'est pas du texte UTF-8 (octet invalide 0x{data[exc.start]:02X}, "
                               f"ligne {line}, position {exc.start + 1}) : enregistrez-le en UTF-8", "json_invalide")],
            source,
        ) from None


def load_json(data: bytes | str, source: str | None = None) -> Any:
    """Decode and parse JSON text with clausier's rules; InputError on any problem."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise InputError([FieldProblem("$", f"fichier trop volumineux (plus de {MAX_BYTES // 1024 // 1024} Mo)", "json_invalide")], source)
        text = _decode(data, source)
    else:
        text = data[1:] if data.startswith("\ufeff") else data
        if len(text) > MAX_BYTES:
            raise InputError([FieldProblem("$", f"texte trop volumineux (plus de {MAX_BYTES // 1024 // 1024} Mo)", "json_invalide")], source)
    if not text.strip():
        raise InputError([FieldProblem("$", "le fichier est vide : un objet JSON est attendu", "json_invalide")], source)
    if "\x00" in text:
        raise InputError([FieldProblem("$", "le fichier contient des octets nuls : ce n'est pas du JSON", "json_invalide")], source)
    try:
        obj = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int, object_pairs_hook=_object)
    except json.JSONDecodeError as exc:
        raise InputError(
            [FieldProblem("$", f"JSON mal formé, ligne {exc.lineno}, colonne {exc.colno} : {_json_msg(exc.msg)}", "json_invalide")],
            source,
        ) from None
    except RecursionError:
        raise InputError([FieldProblem("$", f"JSON trop profondément imbriqué (plus de {MAX_DEPTH} niveaux)", "json_invalide")], source) from None
    except ValueError as exc:
        raise InputError([FieldProblem("$", f"JSON refusé : {safe(str(exc))}", "json_invalide")], source) from None
    _check_tree(obj, source)
    return obj


def _check_tree(obj: Any, source: str | None) -> None:
    depth, problems = _scan(obj, MAX_DEPTH)
    if depth > MAX_DEPTH:
        raise InputError([FieldProblem("$", f"JSON trop profondément imbriqué (plus de {MAX_DEPTH} niveaux)", "json_invalide")], source)
    if problems:
        raise InputError(_capped(problems), source)


def _capped(problems: list[FieldProblem]) -> list[FieldProblem]:
    if len(problems) <= MAX_PROBLEMS:
        return problems
    rest = len(problems) - MAX_PROBLEMS
    return problems[:MAX_PROBLEMS] + [
        FieldProblem("$", f"… et {rest} autre(s) problème(s) non affiché(s) : corrigez les précédents puis relancez")
    ]


def _json_msg(msg: str) -> str:
    known = {
        "Expecting value": "valeur attendue",
        "Expecting property name enclosed in double quotes": "nom de propriété entre guillemets attendu",
        "Expecting ',' delimiter": "virgule attendue",
        "Expecting ':' delimiter": "deux-points attendus",
        "Unterminated string starting at": "chaîne non terminée",
        "Extra data": "données en trop après l'objet JSON",
        "Invalid control character at": "caractère de contrôle dans une chaîne",
    }
    return known.get(msg, msg)


def _json_default(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"type non sérialisable : {type(value).__name__}")


def parse_market(obj: Market | dict | str | bytes, source: str | None = None) -> Market:
    """Validate a market description (a Market, a dict, or JSON text/bytes)."""
    if isinstance(obj, Market):
        return obj
    if isinstance(obj, (str, bytes)):
        obj = load_json(obj, source)
    elif isinstance(obj, dict):
        _check_tree(obj, source)  # a dict from a Python caller: same checks as parsed JSON
    if not isinstance(obj, dict):
        kind = {list: "une liste", str: "une chaîne", int: "un nombre", float: "un nombre", bool: "un booléen",
                type(None): "null"}.get(type(obj), "une valeur")
        raise InputError([FieldProblem("$", f"un objet JSON {{…}} est attendu, pas {kind}", "json_invalide")], source)
    try:
        text = json.dumps(obj, default=_json_default, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InputError([FieldProblem("$", f"valeur non représentable en JSON : {safe(str(exc))}", "json_invalide")], source) from None
    try:
        return Market.model_validate_json(text, strict=True)
    except ValidationError as exc:
        raise InputError(_problems(exc), source) from None


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + safe(str(part), 40)
    return out or "$"


def _problems(exc: ValidationError) -> list[FieldProblem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = schema_location(err["loc"])
        problems.append(FieldProblem(*_describe(err, loc), _PROBLEM_CODE.get(err["type"], "valeur_invalide")))
    # one line per field is enough: pydantic may report several unions members for the same place
    seen, unique = set(), []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            unique.append(p)
    return _capped(unique)


# pydantic's error types -> stable problem codes (engine.errors.PROBLEM_CODES); others are "valeur_invalide"
_PROBLEM_CODE = {
    "missing": "champ_manquant",
    "extra_forbidden": "champ_inconnu",
    "literal_error": "valeur_non_admise",
    **dict.fromkeys(("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float", "string_type",
                     "bool_type", "dict_type", "model_type", "model_attributes_type", "list_type", "date_type",
                     "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"), "type_invalide"),
    **dict.fromkeys(("greater_than", "greater_than_equal", "less_than", "less_than_equal", "string_too_short",
                     "string_too_long", "too_short", "too_long", "finite_number"), "hors_limites"),
    "string_pattern_mismatch": "format_invalide",
}


def _describe(err: dict, loc: tuple) -> tuple[str, str]:
    kind, ctx, path = err["type"], err.get("ctx") or {}, _path(loc)
    field = str(loc[-1]) if loc else ""
    if kind == "value_error":
        raw = str(ctx.get("error", err["msg"]))
        for code, (where, message) in _MODEL_CODES.items():
            if code in raw:
                prefix = _path(loc)
                return (f"{prefix}.{where}" if prefix != "$" else where), message
        return path, safe(raw.removeprefix("Value error, "), 300)
    if kind == "missing":
        return path, "champ obligatoire manquant"
    if kind == "extra_forbidden":
        guess = close_match(field, fields_at(loc[:-1]))
        hint = f" ; vouliez-vous dire « {guess} » ?" if guess else " (voir « clausier schema »)"
        return path, f"champ inconnu : il ne fait pas partie du format{hint}"
    if kind == "literal_error":
        values = literal_values(ctx.get("expected", ""))
        given = err.get("input")
        guess = close_match(given, values) if isinstance(given, str) else None
        hint = f" (vouliez-vous dire « {guess} » ?)" if guess else ""
        return path, f"valeur {_shown(given)} invalide{hint} ; valeurs possibles : {', '.join(values)}"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing", "int_from_float"):
        word = "un nombre entier" if kind.startswith("int") else "un nombre"
        return path, f"doit être {word} (reçu : {_shown(err.get('input'))})"
    if kind == "finite_number":
        return path, "doit être un nombre fini"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        words = {
            "greater_than": "strictement supérieur à",
            "greater_than_equal": "supérieur ou égal à",
            "less_than": "strictement inférieur à",
            "less_than_equal": "inférieur ou égal à",
        }[kind]
        bound = next(iter(ctx.values()), "")
        return path, f"doit être {words} {plain_number(bound)} (reçu : {_shown(err.get('input'))})"
    if kind == "string_type":
        return path, "doit être une chaîne de caractères"
    if kind == "string_too_short":
        return path, f"doit contenir au moins {ctx.get('min_length')} caractères"
    if kind == "string_too_long":
        return path, f"doit contenir au plus {ctx.get('max_length')} caractères"
    if kind == "string_pattern_mismatch":
        if field == "cpv":
            return path, "code CPV attendu : 8 chiffres, avec ou sans chiffre de contrôle (ex. « 90910000-9 »)"
        return path, "format invalide (lettres, chiffres, « . », « _ » ou « - » attendus)"
    if kind.startswith("date") or kind.startswith("datetime"):
        return path, "date ISO attendue (AAAA-MM-JJ), par exemple « 2026-11-24 »"
    if kind == "bool_type":
        return path, "doit être true ou false"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return path, "doit être un objet JSON {…}"
    if kind == "list_type":
        return path, "doit être une liste […]"
    if kind == "too_short":
        return path, f"doit contenir au moins {ctx.get('min_length')} élément(s)"
    if kind == "too_long":
        return path, f"doit contenir au plus {ctx.get('max_length')} éléments"
    return path, safe(err["msg"], 300)


def _shown(value) -> str:
    """An input value quoted in a message: short, and without characters a terminal would interpret."""
    if isinstance(value, str):
        return f"« {safe(value)} »"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return plain_number(value)
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = type(value).__name__
    return safe(text)
