"""clausier: French social insertion clauses, from a market description to a ready-to-edit Word clause.

Public API (everything else is internal):
    evaluate(market, on=None) -> Decision      what the law allows and requires, and why
    render(decision, templates=None) -> bytes  the Word document (.docx) for the decision's mode
"""

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
from engine.version import __version__


def render(decision: Decision, templates=None, *, annex: bool = True, comments: bool = True) -> bytes:
    """The .docx bytes for `decision` (see engine.documents.render)."""
    # docxtpl is heavy: imported only when a document is made
    from engine.documents.render import render as _render

    return _render(decision, templates, annex=annex, comments=comments)


__all__ = [
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
    "evaluate",
    "render",
]
