"""clausier: French social insertion clauses, from a market description to a ready-to-edit Word clause.

Public API (everything else is internal):
    evaluate(market, on=None) -> Decision      what the law allows and requires, and why
    render(decision, templates=None) -> bytes  the Word document (.docx) for the decision's mode
    explanation(decision) -> str               the reasoning, rule by rule (`clausier explain`)
    rules(on=None) -> list[dict]               the rules and their references (`clausier rules list --format json`)
    labels() -> dict                           French labels of the enumerated input values
    warm_up() -> None                          load and compile every rules period and template now
"""

import datetime as _dt

from .errors import (
    DocumentError,
    EngineError,
    EvaluationError,
    InputError,
    NoApplicableVersion,
    NotAllowed,
    RulesetError,
)
from .evaluation import evaluate
from .models import Decision, Market


def render(decision: Decision, templates=None, *, annex: bool = True, comments: bool = True) -> bytes:
    """The .docx bytes for `decision` (see engine.documents.render)."""
    from .documents import render as _render  # docxtpl is heavy: imported only when a document is made

    return _render(decision, templates, annex=annex, comments=comments)


def explanation(decision: Decision) -> str:
    """The reasoning behind `decision`, rule by rule, in plain French (engine.explain.explain)."""
    from .explain import explain as _explain

    return _explain(decision)


def rules(on: _dt.date | None = None) -> list[dict]:
    """Every rule (or those in force on `on`): id, label, validity dates, references and file."""
    from .knowledge import knowledge

    kb = knowledge()
    return [{"id": r.id, "label": r.label, "valid_from": r.valid_from.isoformat(),
             "valid_until": r.valid_until.isoformat() if r.valid_until else None,
             "references": [kb.references[x].public_dict() for x in r.references], "file": r.file}
            for r in kb.rules if on is None or r.applies_on(on)]


def labels() -> dict[str, dict[str, str]]:
    """The French label of each enumerated input value, by kind (segments, acheteurs, procedures, contrats,
    reservations, modes, derogations), as the rulesets' vocabulary names them."""
    from .knowledge import knowledge

    voc = knowledge().vocabulary
    kinds = ("segments", "acheteurs", "procedures", "contrats", "reservations", "modes", "derogations")
    return {kind: {key: entry.libelle for key, entry in getattr(voc, kind).items()} for kind in kinds}


def warm_up() -> None:
    """Load the rules, compile every period they cover and prepare every template now (a long-running
    process, before it answers or forks), instead of on the first market that needs each."""
    from .documents import preload
    from .knowledge import knowledge

    preload()
    knowledge().compile_all()


__all__ = [
    "Decision",
    "DocumentError",
    "EngineError",
    "EvaluationError",
    "InputError",
    "Market",
    "NoApplicableVersion",
    "NotAllowed",
    "RulesetError",
    "evaluate",
    "explanation",
    "labels",
    "render",
    "rules",
    "warm_up",
]
