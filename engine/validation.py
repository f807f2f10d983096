"""Reading a market description: bytes/text/dict -> Market, or an InputError naming each bad field in French.

Strict on purpose: JSON types are not coerced ("100000" is not an amount), NaN/Infinity and duplicate keys
are refused, UTF-8 with or without BOM is accepted, oversized or too deeply nested input is refused.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import ValidationError

from .errors import FieldProblem, InputError
from .models import Market

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 20

_MODEL_CODES = {
    "segment_ou_cpv": ("segment", "renseignez « segment » ou « cpv » (le segment est alors déduit du code CPV)"),
    "lots_doublons": ("lots", "deux lots portent le même numéro"),
    "lots_somme": ("lots", "la somme des montants des lots dépasse le montant total du marché (« amount »)"),
}


def _reject_constant(name: str):
    raise ValueError(f"valeur {name} non admise en JSON")


def _no_duplicate_keys(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"clé « {key} » en double")
        out[key] = value
    return out


def _depth(obj: Any, limit: int) -> int:
    stack = [(obj, 1)]
    deepest = 0
    while stack:
        node, d = stack.pop()
        deepest = max(deepest, d)
        if d > limit:
            return d
        if isinstance(node, dict):
            stack.extend((v, d + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, d + 1) for v in node)
    return deepest


def load_json(data: bytes | str, source: str | None = None) -> Any:
    """Decode and parse JSON text with clausier's rules; InputError on any problem."""
    if isinstance(data, bytes):
        if len(data) > MAX_BYTES:
            raise InputError([FieldProblem("$", f"fichier trop volumineux (plus de {MAX_BYTES // 1024 // 1024} Mo)")], source)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(
                [FieldProblem("$", f"le fichier n'est pas du texte UTF-8 (octet invalide en position {exc.start})")],
                source,
            ) from None
    else:
        text = data[1:] if data.startswith("\ufeff") else data
        if len(text) > MAX_BYTES:
            raise InputError([FieldProblem("$", "texte trop volumineux")], source)
    if not text.strip():
        raise InputError([FieldProblem("$", "le fichier est vide : un objet JSON est attendu")], source)
    if "\x00" in text:
        raise InputError([FieldProblem("$", "le fichier contient des octets nuls : ce n'est pas du JSON")], source)
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_keys)
    except json.JSONDecodeError as exc:
        raise InputError(
            [FieldProblem("$", f"JSON mal formé, ligne {exc.lineno}, colonne {exc.colno} : {_json_msg(exc.msg)}")],
            source,
        ) from None
    except ValueError as exc:
        raise InputError([FieldProblem("$", f"JSON refusé : {exc}")], source) from None
    except RecursionError:
        raise InputError([FieldProblem("$", f"JSON trop profondément imbriqué (plus de {MAX_DEPTH} niveaux)")], source) from None


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
    if not isinstance(obj, dict):
        kind = {list: "une liste", str: "une chaîne", int: "un nombre", float: "un nombre", bool: "un booléen"}.get(
            type(obj), "une valeur"
        )
        raise InputError([FieldProblem("$", f"un objet JSON {{…}} est attendu, pas {kind}")], source)
    if _depth(obj, MAX_DEPTH) > MAX_DEPTH:
        raise InputError([FieldProblem("$", f"JSON trop profondément imbriqué (plus de {MAX_DEPTH} niveaux)")], source)
    try:
        text = json.dumps(obj, default=_json_default, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InputError([FieldProblem("$", f"valeur non représentable en JSON : {exc}")], source) from None
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
            out += ("." if out else "") + str(part)
    return out or "$"


def _problems(exc: ValidationError) -> list[FieldProblem]:
    problems = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "literal["))))
        problems.append(FieldProblem(*_describe(err, loc)))
    # one line per field is enough: pydantic may report several unions members for the same place
    seen, unique = set(), []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            unique.append(p)
    return unique


def _describe(err: dict, loc: tuple) -> tuple[str, str]:
    kind, ctx, path = err["type"], err.get("ctx") or {}, _path(loc)
    field = str(loc[-1]) if loc else ""
    if kind == "value_error":
        raw = str(ctx.get("error", err["msg"]))
        for code, (where, message) in _MODEL_CODES.items():
            if code in raw:
                prefix = _path(loc)
                return (f"{prefix}.{where}" if prefix != "$" else where), message
        return path, raw.removeprefix("Value error, ")
    if kind == "missing":
        return path, "champ obligatoire manquant"
    if kind == "extra_forbidden":
        return path, "champ inconnu : il ne fait pas partie du format (voir « clausier schema »)"
    if kind == "literal_error":
        expected = ctx.get("expected", "").replace("'", "")
        return path, f"valeur « {err.get('input')} » invalide ; valeurs possibles : {expected}"
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
        return path, f"doit être {words} {_shown(bound)} (reçu : {_shown(err.get('input'))})"
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
    return path, err["msg"]


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else f"« {value[:60]} »"
    return text[:80]
