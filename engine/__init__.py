"""clausier: French social insertion clauses, from a market description to a ready-to-edit Word clause.

Public API (everything else is internal):
    evaluate(market, on=None) -> Decision      what the law allows and requires, and why
    render(decision, templates=None) -> bytes  the Word document (.docx) for the decision's mode
    assess(market, on=None) -> Assessment      lean path for statistics: facts, thresholds, hours, no trace
    segment_for_cpv(cpv) -> str                 the purchase segment of a CPV code (rulesets/vocabulaire.yaml)
    parameter(name, on) -> (value, nature, verified)   a dated parameter of rulesets/parameters
    rulesets_dir() -> Path                      the shipped rulesets/ folder (data files such as cpv-2008.csv)
    prepare(rulesets=None)                      compile every period once (before forking workers)
    explanation(decision) -> str               the reasoning, rule by rule (`clausier explain`)
    rules(on=None) -> list[dict]               the rules and their references (`clausier rules list --format json`)
    labels() -> dict                           French labels of the enumerated input values
    warm_up() -> None                          load and compile every rules period and template now
"""

import datetime as _dt

from engine.errors import (
    DocumentError,
    EngineError,
    EvaluationError,
    InputError,
    NoApplicableVersion,
    NotAllowed,
    RulesetError,
)
from engine.market.model import Market
from engine.reasoning.decision import Decision
from engine.reasoning.evaluate import evaluate
from engine.resources import rulesets_dir
from engine.version import __version__

_LEAN = ("Assessment", "assess", "parameter", "prepare", "segment_for_cpv")


def __getattr__(name: str):
    """The audit's lean path (engine.reasoning.assessment), imported on first use: a command line that
    never audits does not pay for it at start-up."""
    if name in _LEAN:
        from engine.reasoning import assessment

        return getattr(assessment, name)
    raise AttributeError(f"module 'engine' has no attribute {name!r}")


def render(decision: Decision, templates=None, *, annex: bool = True, comments: bool = True) -> bytes:
    """The .docx bytes for `decision` (see engine.documents.render)."""
    # docxtpl is heavy: imported only when a document is made
    from engine.documents.render import render as _render

    return _render(decision, templates, annex=annex, comments=comments)


def explanation(decision: Decision, rulesets=None) -> str:
    """The reasoning behind `decision`, rule by rule, in plain French (`clausier explain`)."""
    from engine.reasoning.explain import explain

    return explain(decision, rulesets)


def rules(on: _dt.date | None = None, rulesets=None) -> list[dict]:
    """Every rule (or those in force on `on`): id, label, validity dates, references and file."""
    from engine.law.knowledge import knowledge
    from engine.law.listing import rules_listing

    return rules_listing(knowledge(rulesets), on)


def labels(rulesets=None) -> dict[str, dict[str, str]]:
    """The French label of each enumerated input value, by kind, as the rulesets' vocabulary names them."""
    from engine.law.knowledge import knowledge

    return knowledge(rulesets).vocabulary.labels()


def warm_up(templates=None, rulesets=None) -> None:
    """Load the rules, compile every period and prepare every template now (before answering or forking)."""
    from engine.documents.render import warm_up as _warm_up

    _warm_up(templates, rulesets)


__all__ = [
    "Assessment",
    "Decision",
    "DocumentError",
    "EngineError",
    "EvaluationError",
    "InputError",
    "Market",
    "__version__",
    "NoApplicableVersion",
    "NotAllowed",
    "RulesetError",
    "assess",
    "evaluate",
    "explanation",
    "labels",
    "parameter",
    "prepare",
    "render",
    "rules",
    "rulesets_dir",
    "segment_for_cpv",
    "warm_up",
]
