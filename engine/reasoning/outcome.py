"""What one run of the rules concluded for a scope (the market or a lot): modes admitted and excluded,
refusals, ranked recommendations, statements, blocks and hours."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.law.rules import MODES, Rule
from engine.market.model import Insertion
from engine.reasoning.decision import HoursComputation, Statement


@dataclass
class Scope:
    label: str
    amount: float
    total_amount: float
    segment: str
    cpv: str | None
    mode: str | None
    reserved_for: str | None
    insertion: Insertion | None
    market_fact: dict | None = None  # the whole market's fact, for a lot (None: the scope is the market)
    given_segment: str | None = None  # the segment as the input gave it (None: derived from the CPV)


@dataclass
class Outcome:
    rules: list[Rule]
    fact: dict
    facts: set[str] = field(default_factory=set)
    admitted: list[str] = field(default_factory=list)
    excluded: dict[str, list[str]] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)
    ranked: list[tuple[int, int, str, str]] = field(default_factory=list)
    obligations: list[Statement] = field(default_factory=list)
    warnings: list[Statement] = field(default_factory=list)
    recommendations: list[Statement] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    hours: HoursComputation | None = None
    hours_params: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> list[str]:
        """Admitted modes that no rule excludes; none while the market as described is refused (a refusal
        says what to change first)."""
        if self.refusals:
            return []
        return [m for m in MODES if m in self.admitted and m not in self.excluded]

    @property
    def recommended(self) -> tuple[str | None, str | None]:
        eligible = self.eligible
        for _rank, _order, mode, motif in sorted(self.ranked):
            if mode in eligible:
                return mode, motif
        return (eligible[0], None) if eligible else (None, None)
