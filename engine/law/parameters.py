"""Dated parameters (thresholds, rates, practice defaults), OpenFisca-style.

One YAML file per parameter under `rulesets/parameters/<topic>/<name>.yaml`; its dotted name is its path
(`seuils_ue/travaux.yaml` -> `seuils_ue.travaux`). Each value applies from its start date until the next
one; a `null` value ends the parameter. This module only loads, validates and looks values up.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from engine.errors import NoApplicableVersion, RulesetError
from engine.law.references import Reference, _first_error
from engine.law.yamlfile import load_yaml

Scalar = Union[bool, int, float, str]


class ParamValue(BaseModel):
    """One dated value of a parameter with its sources."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: dt.date
    value: Scalar | list[Scalar] | None
    references: tuple[str, ...] = ()
    verified: bool | None = None  # None: derived from the references
    note: str | None = None


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str
    unit: Literal["eur_ht", "ratio", "eur_par_heure", "heures", "pourcent", "mois", "liste", "booleen", "nombre", "fichier"]
    nature: Literal["droit", "pratique"]
    last_reviewed_on: dt.date
    values: dict[dt.date, dict]

    @field_validator("values")
    @classmethod
    def _not_empty(cls, v):
        if not v:
            raise ValueError("au moins une valeur datée est requise")
        return v


class Parameter(BaseModel):
    """A dated parameter: `at(date)` gives the value in force, or None outside its period."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str
    unit: str
    nature: Literal["droit", "pratique"]
    last_reviewed_on: dt.date
    values: tuple[ParamValue, ...] = Field(min_length=1)
    file: str

    def at(self, on: dt.date) -> ParamValue | None:
        current = None
        for v in self.values:
            if v.start <= on:
                current = v
            else:
                break
        if current is None or current.value is None:
            return None
        return current

    def change_dates(self) -> list[dt.date]:
        return [v.start for v in self.values]


class ParameterSet:
    """All parameters of a ruleset, addressable by dotted name."""

    def __init__(self, params: dict[str, Parameter], references: dict[str, Reference]):
        self._params = params
        self._refs = references

    def __contains__(self, name: str) -> bool:
        return name in self._params

    def __iter__(self):
        return iter(self._params.values())

    def get(self, name: str) -> Parameter:
        return self._params[name]

    def value(self, name: str, on: dt.date, needed_by: str | None = None) -> ParamValue:
        """The value in force on `on`; raises NoApplicableVersion when there is none."""
        found = self._params[name].at(on)
        if found is None:
            raise NoApplicableVersion(name, on, needed_by)
        return found

    def is_verified(self, name: str, pv: ParamValue) -> bool:
        if pv.verified is not None:
            return pv.verified
        return bool(pv.references) and all(self._refs[r].verified for r in pv.references)

    def change_dates(self) -> set[dt.date]:
        return {d for p in self._params.values() for d in p.change_dates()}


def load_parameters(folder: Path, root: Path, references: dict[str, Reference]) -> ParameterSet:
    """Load every parameter file under `folder` (index.yaml files document folders and are skipped)."""
    params: dict[str, Parameter] = {}
    for path in sorted(folder.rglob("*.yaml")):
        if path.name == "index.yaml":
            continue
        shown = str(path.relative_to(root))
        name = ".".join(path.relative_to(folder).with_suffix("").parts)
        raw = load_yaml(path, root)
        try:
            body = _File.model_validate(raw)
            values = []
            for start, entry in sorted(body.values.items()):
                values.append(ParamValue(start=start, **entry))
        except ValidationError as exc:
            raise RulesetError(shown, f"paramètre '{name}'", _first_error(exc)) from None
        except TypeError as exc:
            raise RulesetError(shown, f"paramètre '{name}'", f"valeur datée mal formée ({exc})") from None
        for v in values:
            for ref in v.references:
                if ref not in references:
                    raise RulesetError(
                        shown, f"paramètre '{name}', valeur du {v.start}", f"référence inconnue '{ref}'"
                    )
            if v.value is not None and not v.references:
                raise RulesetError(
                    shown, f"paramètre '{name}', valeur du {v.start}", "chaque valeur doit citer au moins une référence"
                )
        params[name] = Parameter(
            name=name,
            description=body.description,
            unit=body.unit,
            nature=body.nature,
            last_reviewed_on=body.last_reviewed_on,
            values=tuple(values),
            file=shown,
        )
    return ParameterSet(params, references)
