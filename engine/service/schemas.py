"""Pydantic models of what the API answers besides the engine's own Decision: the OpenAPI contract."""

from __future__ import annotations

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    pointer: str = Field(description="JSON Pointer (RFC 6901) du champ fautif dans le corps de la requête ; "
                                     "chaîne vide : le document entier")
    code: str = Field(description="Nom stable du problème (types d'erreur de pydantic, ou json_syntax, "
                                  "date_not_covered, duplicate_key, segment_ou_cpv, lots_doublons, lots_somme…)")
    detail: str = Field(description="Ce qui est attendu, en français")


class ParameterError(BaseModel):
    parameter: str = Field(description="Nom du paramètre de requête fautif")
    code: str
    detail: str


class ProblemDetails(BaseModel):
    """Une erreur au format RFC 9457 (application/problem+json)."""

    type: str = Field(description="Identifiant stable du type de problème (urn:clausier:probleme:…)")
    title: str
    status: int
    detail: str
    instance: str = Field(description="Chemin de la requête")
    request_id: str | None = Field(default=None, description="Identifiant de la requête (en-tête X-Request-ID)")
    errors: list[FieldError] | list[ParameterError] | None = None
    mode: str | None = Field(default=None, description="Mode refusé (type mode-non-admis)")
    reasons: list[str] | None = Field(default=None, description="Motifs du refus (type mode-non-admis)")
    eligible_modes: list[str] | None = Field(default=None, description="Modes admis (type mode-non-admis)")


class Reference(BaseModel):
    code: str
    article: str | None
    title: str
    url: str | None
    verified: bool


class Rule(BaseModel):
    id: str
    label: str
    valid_from: str
    valid_until: str | None
    references: list[Reference]
    file: str


class Health(BaseModel):
    status: str = Field(description="« ok » : le processus répond")


class Readiness(BaseModel):
    status: str = Field(description="« pret » : règles chargées et compilées, modèles préparés")
    ruleset_version: str
    version: str = Field(description="Version de clausier")
