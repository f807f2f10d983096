"""The versioned API (/v1/…): the same outputs as the command line, byte for byte.

Engine calls run on the event loop itself: an evaluation takes about half a millisecond of CPU, less than
handing it to a thread would cost, and the workers (processes) are what spreads load over cores. A document
(≈ 12 ms) goes to the thread pool so that the worker keeps reading other requests meanwhile (see render()).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import re
import unicodedata
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from engine.documents import render as render_document
from engine.errors import InputError, NoApplicableVersion, NotAllowed
from engine.law.knowledge import knowledge
from engine.law.listing import rules_listing
from engine.reasoning.decision import Decision
from engine.reasoning.evaluate import evaluate as evaluate_market
from engine.reasoning.explain import explain
from engine.reasoning.schemas import market_schema as market_json_schema

from . import problems as p
from .problems import Problem
from .schemas import Rule

log = logging.getLogger("clausier.service")
router = APIRouter(prefix="/v1")

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MARKET_BODY = {"requestBody": {"required": True, "description": "La description du marché (le même JSON que "
                               "pour la ligne de commande ; voir GET /v1/schema/market)",
                               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Market"}}}}}
ISO_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def _date(name: str, description: str):
    """A date query parameter, ISO only: pydantic's lax date parsing would read « 0 » as 1 January 1970.
    Async: FastAPI runs a plain function dependency in its thread pool, a thread hop per request."""

    async def parse(value: str | None = Query(None, alias=name, pattern=ISO_DATE, description=description,
                                        json_schema_extra={"format": "date"})) -> dt.date | None:
        if value is None:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise Problem(p.PARAMETER, f"Paramètre invalide : « {name} » : la date {value} n'existe pas.",
                          errors=[{"parameter": name, "code": "date_invalide", "detail": "date inexistante"}]) from None

    return Depends(parse)


ON = _date("on", "Date du droit applicable si le marché n'a pas de « launch_date » (AAAA-MM-JJ ; "
                 "défaut : aujourd'hui), comme l'option --date")


def _problem_responses(*kinds: p.Kind) -> dict:
    by_status: dict[int, list[p.Kind]] = {}
    for kind in (*kinds, p.INTERNAL):
        by_status.setdefault(kind.status, []).append(kind)
    return {status: {"description": " ; ".join(f"{k.title} ({k.type})" for k in ks),
                     "content": {p.PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}}
            for status, ks in by_status.items()}


BODY_PROBLEMS = (p.MALFORMED, p.TOO_LARGE, p.MEDIA_TYPE, p.INVALID, p.DATE_NOT_COVERED, p.PARAMETER)


async def read_json_body(request: Request) -> bytes:
    """The request body, refused before it is read whole when it is not JSON (415) or too large (413)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
        shown = f"« {media[:60]} »" if media else "absent"
        raise Problem(p.MEDIA_TYPE, f"En-tête Content-Type {shown} : « application/json » est attendu.")
    limit = request.app.state.settings.max_body
    too_large = Problem(p.TOO_LARGE, f"Le corps de la requête dépasse {limit // 1024} Kio : une description de "
                                     "marché en fait quelques-uns.", max_bytes=limit)
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def evaluate(body: bytes, on: dt.date | None) -> Decision:
    """engine.evaluate, its refusals as problems."""
    try:
        return evaluate_market(body, on)
    except InputError as exc:
        raise p.input_problem(exc, body) from None
    except NoApplicableVersion as exc:
        raise p.date_problem(exc) from None


@router.post("/decision", summary="Décision pour un marché", openapi_extra=MARKET_BODY,
             responses={200: {"model": Decision, "description": "La décision, identique à "
                              "« clausier evaluate --format json »"}, **_problem_responses(*BODY_PROBLEMS)})
async def decision(request: Request, on: dt.date | None = ON) -> Response:
    body = await read_json_body(request)
    data = evaluate(body, on).model_dump_json(indent=2).encode() + b"\n"
    return Response(data, media_type="application/json")


@router.post("/explanation", summary="Raisonnement en clair, règle par règle", openapi_extra=MARKET_BODY,
             response_class=Response,
             responses={200: {"description": "Le texte de « clausier explain »",
                              "content": {"text/plain": {"schema": {"type": "string"}}}},
                        **_problem_responses(*BODY_PROBLEMS)})
async def explanation(request: Request, on: dt.date | None = ON) -> Response:
    body = await read_json_body(request)
    text = explain(evaluate(body, on)) + "\n"
    return Response(text, media_type="text/plain; charset=utf-8")


@router.post("/document", summary="Clause Word (.docx) du mode demandé ou recommandé", openapi_extra=MARKET_BODY,
             response_class=Response,
             responses={200: {"description": "Le document Word, identique à celui de « clausier generate »",
                              "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}}},
                        **_problem_responses(*BODY_PROBLEMS, p.NOT_ALLOWED)})
async def document(request: Request, on: dt.date | None = ON,
                   annex: bool = Query(True, description="Ajouter l'annexe de justification"),
                   comments: bool = Query(True, description="Ajouter les commentaires Word (règle et article)")
                   ) -> Response:
    body = await read_json_body(request)
    found = evaluate(body, on)
    try:
        data = await render(request, found, annex=annex, comments=comments)
    except NotAllowed as exc:
        raise p.not_allowed_problem(exc) from None
    return Response(data, media_type=DOCX, headers={"content-disposition": attachment(found)})


RENDER_SLOTS = 2  # documents rendered at once per worker: more threads only share the same interpreter lock


async def render(request: Request, found: Decision, **options) -> bytes:
    """render_document in the thread pool, a few at a time; skipped when the client has left meanwhile.

    Measured in bench/service.py: clients that post a document request and hang up had queued hundreds of
    renders for nobody, and the clients still there waited seconds behind them.
    """
    slots = request.app.state.render_slots
    if slots is None:
        slots = request.app.state.render_slots = asyncio.Semaphore(RENDER_SLOTS)
    async with slots:
        if await request.is_disconnected():
            raise ClientDisconnect()
        return await run_in_threadpool(render_document, found, **options)


def attachment(found: Decision) -> str:
    """Content-Disposition (RFC 6266): an ASCII file name and the UTF-8 one (RFC 8187) from the market's
    reference or title, « clause-insertion.docx » without either."""
    named = found.market.get("reference") or found.market.get("title") or ""
    stem = "-".join(re.findall(r"\w+", named))[:80]
    name = f"clause-insertion-{stem}.docx" if stem else "clause-insertion.docx"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    ascii_name = re.sub(r"[^A-Za-z0-9._-]", "_", ascii_name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("/schema/market", summary="Schéma JSON de la description d'un marché",
            responses={200: {"description": "Le schéma de « clausier schema »",
                             "content": {"application/json": {"schema": {"type": "object"}}}},
                       **_problem_responses()})
async def market_schema() -> Response:
    text = json.dumps(market_json_schema(), ensure_ascii=False, indent=2) + "\n"
    return Response(text, media_type="application/json")


@router.get("/rules", summary="Règles et leurs références",
            responses={200: {"model": list[Rule],
                             "description": "Comme « clausier rules list --format json [--date] »"},
                       **_problem_responses(p.PARAMETER)})
async def rules(on: dt.date | None = _date("on", "Seulement les règles en vigueur à cette date (AAAA-MM-JJ)")
                ) -> Response:
    text = json.dumps(rules_listing(knowledge(), on), ensure_ascii=False, indent=2) + "\n"
    return Response(text, media_type="application/json")
