"""Typos in a market description: the field or value the user probably meant (« vouliez-vous dire … ? »)."""

from __future__ import annotations

import difflib
import re
import types
import unicodedata
from typing import Union, get_args, get_origin

from pydantic import BaseModel

from engine.market.model import Market


def _plain(text: str) -> str:
    """Case and accents ignored: « Collectivité » and « collectivite » compare equal."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").casefold()


def close_match(given: str, candidates) -> str | None:
    """The candidate closest to `given` (ignoring case and accents), if one is close enough."""
    candidates = list(candidates)
    by_plain = {_plain(c): c for c in candidates}
    found = difflib.get_close_matches(_plain(given), list(by_plain), n=1, cutoff=0.75)
    return by_plain[found[0]] if found else None


def _model_in(annotation) -> type[BaseModel] | None:
    """The pydantic model inside an annotation (`Insertion | None`, `list[Lot] | None`), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (Union, types.UnionType, list):
        for arg in get_args(annotation):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def fields_at(loc: tuple) -> list[str]:
    """The field names allowed at a location of the market description (`()`, `("lots", 0)`…)."""
    model: type[BaseModel] | None = Market
    for part in loc:
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part) if model else None
        model = _model_in(field.annotation) if field else None
        if model is None:
            return []
    return list(model.model_fields) if model else []


def literal_values(expected: str) -> list[str]:
    """The allowed values listed by pydantic's literal error (« 'a', 'b' or 'c' »), without quotes nor « or »."""
    return re.findall(r"'([^']*)'", expected)
