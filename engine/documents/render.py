"""render(): a Decision -> the .docx bytes of its clause.

The context comes from `context.py` (documented in docs/template-context.md), the template from
`template_files.py` (Jinja with StrictUndefined and autoescape: user text is data, never template), and
post-processing (numbering, comments, highlighting, stable bytes) from `word/finish.py`.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from engine.documents.context import Trace, build_context, comment_texts
from engine.documents.template_files import (
    prepared,
    template_folder,
    template_name,
    template_names,
)
from engine.documents.word.finish import finish
from engine.errors import DocumentError, NotAllowed
from engine.law.knowledge import knowledge
from engine.reasoning.decision import Decision


def _around(exc: jinja2.TemplateError) -> str | None:
    """The template text around a Jinja error, on one line."""
    lines = [line.strip() for line in getattr(exc, "docx_context", None) or () if line.strip()]
    return " … ".join(lines) or None


def preload(templates: str | Path | None = None, rulesets=None) -> None:
    """Prepare every template of `templates` (default: clausier's) now rather than on first use.

    Before forking batch workers: they then share the prepared templates instead of each preparing
    its own. A missing or broken template is left for `render` to report, market by market.
    """
    folder = template_folder(templates)
    for name in template_names(rulesets):
        try:
            prepared(folder / name).members(with_comments=True)
        except Exception:  # noqa: BLE001 - reported by render() for the markets that need it
            continue


def render(decision: Decision, templates: str | Path | None = None, *, annex: bool = True,
           comments: bool = True, rulesets=None) -> bytes:
    """The Word document for `decision`'s mode.

    Args:
        decision: the result of `evaluate`; its mode must be allowed.
        templates: a folder of organisation templates (same names and context); default: clausier's.
        annex: append the justification annex for the legal reviewer.
        comments: anchor a Word comment with the rule and article on each clause block.

    Raises:
        NotAllowed: the decision's mode is not allowed (its reasons are in the message).
        DocumentError: the template is missing or uses a variable the context does not provide.
    """
    if not decision.allowed or decision.mode is None:
        raise NotAllowed(decision)
    kb = knowledge(rulesets)
    folder = template_folder(templates)
    name = template_name(decision)
    trace = Trace(decision)
    context = build_context(decision, kb, annex=annex, comments=comments, trace=trace)
    try:
        rendered = prepared(folder / name).render(context)
    except jinja2.UndefinedError as exc:
        raise DocumentError(name, f"variable non fournie par le contexte : {exc.message}", _around(exc)) from None
    except jinja2.TemplateError as exc:
        raise DocumentError(name, f"erreur de modèle : {exc}", _around(exc)) from None
    return finish(rendered, decision, comment_texts(trace, kb) if comments else {})


def warm_up(templates: str | Path | None = None, rulesets=None) -> None:
    """Load the rules, compile every period they cover and prepare every template now (a long-running
    process, before it answers or forks), instead of on the first market that needs each."""
    from engine.reasoning.compiled import compiled

    preload(templates, rulesets)
    compiled(knowledge(rulesets)).compile_all()
