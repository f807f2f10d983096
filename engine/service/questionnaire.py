"""The buyer's questionnaire at `/`: a plain HTML form that works without JavaScript, enhanced by htmx.

- GET /            the empty form
- POST /           the decision for the form's answers: the whole page, or only the decision panel when htmx
                   asks (HX-Request), as the buyer types
- POST /document   the .docx as a download; the form again with its errors (422) when it cannot be made
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qsl

import jinja2
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from engine.errors import InputError, NoApplicableVersion, NotAllowed
from engine.law.knowledge import knowledge
from engine.reasoning.decision import Decision
from engine.reasoning.evaluate import evaluate as evaluate_market

from . import api, view
from . import form as f
from . import problems as p
from .problems import Problem

router = APIRouter(include_in_schema=False)
FORM_LIMIT = 64 * 1024
_env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                          autoescape=True, trim_blocks=True, lstrip_blocks=True)
_env.filters.update(euros=view.euros, number=view.number, cite=view.cite,
                    upper_first=lambda text: text[:1].upper() + text[1:])


async def _form(request: Request) -> dict[str, str]:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise Problem(p.MEDIA_TYPE, "Le formulaire est attendu en « application/x-www-form-urlencoded ».")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > FORM_LIMIT:
            raise Problem(p.TOO_LARGE, f"Le formulaire dépasse {FORM_LIMIT // 1024} Kio.")
        chunks.append(chunk)
    text = b"".join(chunks).decode("utf-8", errors="replace")
    return {k: v for k, v in parse_qsl(text, keep_blank_values=True) if k in f.FIELDS or k in f.OPTIONS}


def _evaluate(values: dict[str, str]) -> tuple[Decision | None, dict[str, str], list[str]]:
    """The decision for the answers, or the problems by form field and the required answers still missing."""
    parsed = f.to_market(values)
    if parsed.problems or parsed.missing:
        return None, parsed.problems, parsed.missing
    try:
        return evaluate_market(parsed.market), {}, []
    except InputError as exc:
        return None, {f.field_name(x.path): x.message for x in exc.problems}, []
    except NoApplicableVersion as exc:
        return None, {"launch_date": str(exc)}, []


def _page(request: Request, values: dict, decision=None, problems=None, missing=None, status=200,
          refused: str | None = None) -> HTMLResponse:
    labels = knowledge().vocabulary.labels()
    context = {"values": values, "labels": labels, "problems": problems or {}, "missing": missing or [],
               "refused": refused, "field_labels": f.LABELS, "today": dt.date.today().isoformat(),
               "view": view.decision_view(decision) if decision else None, "posted": request.method == "POST"}
    context["htmx"] = request.headers.get("hx-request") == "true"
    if context["htmx"]:
        return HTMLResponse(_env.get_template("_decision.html").render(context), status_code=200)
    return HTMLResponse(_env.get_template("questionnaire.html").render(context), status_code=status)


@router.get("/", response_class=HTMLResponse)
async def questionnaire(request: Request):
    return _page(request, {"contract_type": "marche", "annex": "on", "comments": "on"})


@router.post("/", response_class=HTMLResponse)
async def show_decision(request: Request):
    values = await _form(request)
    decision, problems, missing = _evaluate(values)
    return _page(request, values, decision, problems, missing, status=422 if problems else 200)


@router.post("/document")
async def download(request: Request):
    values = await _form(request)
    decision, problems, missing = _evaluate(values)
    if decision is None:
        for label in missing:
            problems.setdefault(_missing_field(label), "à renseigner")
        return _page(request, values, None, problems, missing, status=422)
    try:
        data = await api.render(request, decision, annex="annex" in values, comments="comments" in values)
    except NotAllowed:
        refused = "Aucun document ne peut être rédigé : le mode retenu n'est pas admis pour ce marché."
        return _page(request, values, decision, {}, [], status=422, refused=refused)
    return Response(data, media_type=api.DOCX, headers={"content-disposition": api.attachment(decision)})


def _missing_field(label: str) -> str:
    for name, text in f.REQUIRED.items():
        if text == label:
            return name
    return "segment"
