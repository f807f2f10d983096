"""Errors as RFC 9457 problem details (`application/problem+json`), in French.

Each kind of problem has a stable `type` (a URN: nothing to dereference, nothing that changes with the host
the service runs on), a status and a French title. Invalid input also carries `errors`: one entry per field,
`{pointer, code, detail}` where `pointer` is a JSON Pointer (RFC 6901) into the request body, `code` a
stable machine name and `detail` the engine's French message, the same as the command line prints.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from pydantic import ValidationError

from engine.errors import InputError, NoApplicableVersion, NotAllowed
from engine.law.knowledge import knowledge
from engine.market.model import Market

PROBLEM_JSON = "application/problem+json"
_URN = "urn:clausier:probleme:"


@dataclass(frozen=True)
class Kind:
    slug: str
    status: int
    title: str

    @property
    def type(self) -> str:
        return _URN + self.slug


MALFORMED = Kind("json-mal-forme", 400, "Le corps de la requête n'est pas un JSON valide")
NOT_FOUND = Kind("introuvable", 404, "Ressource introuvable")
METHOD = Kind("methode-non-admise", 405, "Méthode HTTP non admise pour cette adresse")
TOO_LARGE = Kind("corps-trop-volumineux", 413, "Le corps de la requête est trop volumineux")
MEDIA_TYPE = Kind("type-de-contenu-non-admis", 415, "Le corps de la requête doit être du JSON")
INVALID = Kind("entree-invalide", 422, "La description du marché est invalide")
DATE_NOT_COVERED = Kind("date-non-couverte", 422, "La date de lancement est hors de la période couverte par les règles")
NOT_ALLOWED = Kind("mode-non-admis", 422, "Le mode demandé n'est pas admis pour ce marché")
PARAMETER = Kind("parametre-invalide", 422, "Paramètre de requête invalide")
INTERNAL = Kind("erreur-interne", 500, "Erreur interne du service")
NOT_READY = Kind("service-non-pret", 503, "Le service démarre : les règles ne sont pas encore chargées")

KINDS = (MALFORMED, NOT_FOUND, METHOD, TOO_LARGE, MEDIA_TYPE, INVALID, DATE_NOT_COVERED, NOT_ALLOWED, PARAMETER,
         INTERNAL, NOT_READY)


class Problem(Exception):
    """An error answered as problem details: raised by the routes, turned into a response by the app."""

    def __init__(self, kind: Kind, detail: str, **extensions):
        super().__init__(detail)
        self.kind, self.detail, self.extensions = kind, detail, extensions

    def body(self, instance: str, request_id: str | None) -> dict:
        out = {"type": self.kind.type, "title": self.kind.title, "status": self.kind.status,
               "detail": self.detail, "instance": instance}
        out.update(self.extensions)
        if request_id:
            out["request_id"] = request_id
        return out

    def content(self, instance: str, request_id: str | None) -> bytes:
        return json.dumps(self.body(instance, request_id), ensure_ascii=False).encode()


# --- invalid input: the engine's problems with JSON Pointers and codes ------------------------------------

# The engine names fields as `lots[0].amount` ($ for the whole document); keys are identifiers.
_PART = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")
# The engine reports the market's own checks on the field they concern (see engine.validation).
_MODEL_CODES = {"segment_ou_cpv": "segment", "lots_doublons": "lots", "lots_somme": "lots"}


def pointer(path: str) -> str:
    """`lots[0].amount` -> `/lots/0/amount`; `$` (the whole body) -> `` (RFC 6901's root)."""
    if path in ("$", ""):
        return ""
    parts = [index if index else key for index, key in _PART.findall(path)]
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def _location(loc: tuple) -> tuple:
    return tuple(x for x in loc if not (isinstance(x, str) and x.startswith(("function-", "literal["))))


def _codes(body: bytes) -> dict[str, str]:
    """The pydantic error type of each field of an invalid body, by JSON Pointer (the `code` of each error).

    Only called on a body the engine refused: pydantic's types ("missing", "literal_error",
    "greater_than"…) are documented and stable; the engine's messages are French prose.
    """
    try:
        obj = json.loads(body)
        Market.model_validate_json(json.dumps(obj, allow_nan=False), strict=True)
    except ValidationError as exc:
        codes = {}
        for err in exc.errors(include_url=False):
            loc = _location(err["loc"])
            code = err["type"]
            if code == "value_error":
                raw = str((err.get("ctx") or {}).get("error", ""))
                for name, field in _MODEL_CODES.items():
                    if name in raw:
                        loc, code = (*loc, field), name
            codes.setdefault("".join(f"/{p}" for p in loc), code)
        return codes
    except (ValueError, TypeError, RecursionError):
        return {}
    return {}


def _fallback_code(path: str, message: str) -> str:
    if path in ("$", ""):
        return "document"
    if "clé en double" in message:
        return "duplicate_key"
    return "invalid_value"


def input_problem(exc: InputError, body: bytes) -> Problem:
    """422 (or 400 when the body is not JSON at all) for the engine's InputError."""
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        if all(p.path == "$" for p in exc.problems):
            detail = "; ".join(p.message for p in exc.problems)
            return Problem(MALFORMED, detail, errors=[{"pointer": "", "code": "json_syntax", "detail": detail}])
    codes = _codes(body)
    errors = []
    for p in exc.problems:
        where = pointer(p.path)
        errors.append({"pointer": where, "code": codes.get(where) or _fallback_code(p.path, p.message),
                       "detail": p.message})
    count = len(errors)
    detail = "1 champ à corriger" if count == 1 else f"{count} champs à corriger"
    if count == 1:
        detail += f" : {exc.problems[0].path} : {exc.problems[0].message}"
    return Problem(INVALID, detail, errors=errors)


def date_problem(exc: NoApplicableVersion) -> Problem:
    detail = str(exc)
    return Problem(DATE_NOT_COVERED, detail,
                   errors=[{"pointer": "/" + exc.field, "code": "date_not_covered", "detail": detail}])


def not_allowed_problem(exc: NotAllowed) -> Problem:
    d = exc.decision
    labels = knowledge().vocabulary.labels()["modes"]
    shown = labels.get(d.mode, d.mode) if d.mode else "aucun mode admis"
    detail = (f"Le mode « {shown} » n'est pas admis pour ce marché." if d.mode
              else "Aucun mode d'insertion n'est admis pour ce marché.")
    return Problem(NOT_ALLOWED, detail, mode=d.mode, reasons=list(d.reasons), eligible_modes=list(d.eligible_modes))
