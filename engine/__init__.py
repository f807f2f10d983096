"""clausier: French social insertion clauses, from a market description to a ready-to-edit Word clause.

Public API (everything else is internal):
    evaluate(market, on=None) -> Decision      what the law allows and requires, and why
    render(decision, templates=None) -> bytes  the Word document (.docx) for the decision's mode
    assess(market, on=None) -> Assessment      lean path for statistics: facts, thresholds, hours, no trace
    segment_for_cpv(cpv) -> str                 the purchase segment of a CPV code (rulesets/vocabulaire.yaml)
    parameter(name, on) -> (value, nature, verified)   a dated parameter of rulesets/parameters
    rulesets_dir() -> Path                      the shipped rulesets/ folder (data files such as cpv-2008.csv)
    prepare(rulesets=None)                      compile every period once (before forking workers)
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
from engine.reasoning.assessment import (
    Assessment,
    assess,
    parameter,
    prepare,
    segment_for_cpv,
)
from engine.reasoning.decision import Decision
from engine.reasoning.evaluate import evaluate
from engine.resources import rulesets_dir
from engine.version import __version__


def render(decision: Decision, templates=None, *, annex: bool = True, comments: bool = True) -> bytes:
    """The .docx bytes for `decision` (see engine.documents.render)."""
    # docxtpl is heavy: imported only when a document is made
    from engine.documents.render import render as _render

    return _render(decision, templates, annex=annex, comments=comments)


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
    "parameter",
    "prepare",
    "render",
    "rulesets_dir",
    "segment_for_cpv",
]
