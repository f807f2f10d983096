"""The output of reasoning: a Decision (what the law allows and requires for a market, and why).

Data only; field names are the public JSON contract documented in README.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from engine.version import DECISION_SCHEMA_VERSION, __version__


class Statement(BaseModel):
    """A sentence of the decision (obligation, warning, recommendation) with the rule behind it."""

    model_config = ConfigDict(frozen=True)

    text: str
    rule: str
    references: list[dict]
    verified: bool = True


class HoursComputation(BaseModel):
    """Insertion hours and the formula's inputs, each with its source."""

    model_config = ConfigDict(frozen=True)

    value: int
    formula: str
    amount: float
    labour_share: float | None  # None for a market in lots: its hours are the sum of its lots' (`lots`)
    rate: float | None
    hourly_cost: float | None
    sources: dict[str, str]
    overridden: list[str]
    lots: dict[str, int] = {}  # lot number -> hours, when the figure is the sum of the lots'


class ParameterUse(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    value: object
    nature: str
    verified: bool
    references: list[dict]


MARKET_SCOPE = "marché"  # the scope of trace steps about the whole market (lots read « lot N »)


class TraceStep(BaseModel):
    """One rule that fired: which, why (its legal basis) and what it asserted."""

    model_config = ConfigDict(frozen=True)

    rule: str
    label: str
    text: str
    references: list[dict]
    asserted: list[str]
    parameters: list[ParameterUse]
    scope: str = MARKET_SCOPE


class LotDecision(BaseModel):
    model_config = ConfigDict(frozen=True)

    number: str
    title: str | None
    segment: str
    amount: float
    mode: str | None
    allowed: bool
    reasons: list[str]
    eligible_modes: list[str]
    recommended_mode: str | None
    hours: HoursComputation | None
    obligations: list[Statement]
    warnings: list[Statement]
    recommendations: list[Statement] = []
    blocks: list[str]


class Decision(BaseModel):
    """What the law allows and requires for a market on its launch date, and why."""

    model_config = ConfigDict(frozen=True)

    launch_date: dt.date
    date_source: Literal["launch_date", "option", "aujourd_hui"]
    ruleset_version: str
    market: dict
    public: bool
    segment: str
    category: str
    mode: str | None
    requested_mode: str | None
    allowed: bool
    reasons: list[str]
    eligible_modes: list[str]
    recommended_mode: str | None
    recommendation_reason: str | None
    hours: HoursComputation | None
    obligations: list[Statement]
    warnings: list[Statement]
    recommendations: list[Statement]
    blocks: list[str]
    references: list[dict]
    trace: list[TraceStep]
    lots: list[LotDecision] = []
    clausier_version: str = __version__  # the clausier that decided
    schema_version: str = DECISION_SCHEMA_VERSION  # the version of this JSON contract (`clausier schema --decision`)
