"""A Decision as the questionnaire shows it: the routes, the recommendation, the hours and their calculation,
obligations, warnings and the reasoning with links to its sources. Presentation only: every sentence comes
from the decision (the rules), every label from the rulesets' vocabulary (knowledge().vocabulary.labels())."""

from __future__ import annotations

from dataclasses import dataclass

from engine.law.knowledge import knowledge
from engine.reasoning.decision import Decision
from engine.reasoning.explain import explain

NBSP = "\u202f"  # French thousands separator and space before units


def number(value: float, decimals: int = 0) -> str:
    text = f"{value:,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return text.removesuffix(",00") if decimals else text


def euros(value: float) -> str:
    return f"{number(value, 2 if value != int(value) else 0)}{NBSP}€"


def percent(share: float) -> str:
    shown = f"{share * 100:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{shown}{NBSP}%"


@dataclass
class Route:
    key: str
    label: str
    eligible: bool
    recommended: bool
    requested: bool


def cite(ref: dict) -> str:
    """A reference as a link text: « CCP, L2112-2 »; its title when it has no article."""
    code, article = ref.get("code") or "", ref.get("article") or ""
    return f"{code}, {article}" if article else ref.get("title") or code


def hours(h) -> dict | None:
    if h is None:
        return None
    steps = (f"{euros(h.amount)} HT × {percent(h.labour_share)} × {percent(h.rate)} ÷ {euros(h.hourly_cost)}/h")
    return {"value": number(h.value), "formula": h.formula, "calculation": steps,
            "sources": list(h.sources.values()), "overridden": h.overridden}


def decision_view(d: Decision) -> dict:
    labels = knowledge().vocabulary.labels()
    modes = labels["modes"]
    routes = [Route(key, label, key in d.eligible_modes, key == d.recommended_mode, key == d.requested_mode)
              for key, label in modes.items()]
    return {
        "d": d,
        "routes": routes,
        "mode_label": modes.get(d.mode, d.mode) if d.mode else None,
        "recommended_label": modes.get(d.recommended_mode) if d.recommended_mode else None,
        "segment_label": labels["segments"].get(d.segment, d.segment),
        "launch_date": d.launch_date.strftime("%d/%m/%Y"),
        "hours": hours(d.hours),
        "sections": [("Obligations", d.obligations), ("Avertissements", d.warnings),
                     ("Recommandations", d.recommendations)],
        "explanation": explain(d),
    }
