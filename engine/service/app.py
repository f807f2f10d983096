"""The application factory: routes, problem details for every error, CORS, request ids, warm-up."""

from __future__ import annotations

import gc
import logging
import threading
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from engine.documents import warm_up
from engine.errors import EngineError
from engine.market.model import Market
from engine.reasoning.evaluate import evaluate as evaluate_market

from . import api, questionnaire, schemas
from . import problems as p
from .middleware import INTERNAL_DETAIL, RequestContext, request_id
from .problems import Problem
from .settings import Settings

log = logging.getLogger("clausier.service")
HERE = Path(__file__).parent
TITLE = "clausier — API des clauses sociales d'insertion"
DESCRIPTION = """Décide ce que le droit permet et impose pour un marché à sa date de lancement, et rédige la
clause Word. Les réponses sont identiques à celles de la ligne de commande `clausier`.

Les erreurs suivent la RFC 9457 (`application/problem+json`) : `type` stable (`urn:clausier:probleme:…`),
`title` et `detail` en français, `errors` (`pointer` JSON Pointer, `code`, `detail`) pour une entrée invalide.
Chaque réponse porte un en-tête `X-Request-ID` (repris de la requête s'il y figure).

Types de problème :
""" + "\n".join(f"- `{k.type}` ({k.status}) : {k.title}" for k in p.KINDS)
SELF_TEST = {"segment": "travaux", "amount": 1_000_000, "procedure": "appel_offres", "buyer_type": "collectivite"}


def clausier_version() -> str:
    try:
        return version("clausier")
    except PackageNotFoundError:  # a checkout used without installing it
        return "inconnue"


def _warm_up(app: FastAPI) -> None:
    """Load and compile the rules and templates, then check one evaluation: /readyz answers 200 after."""
    try:
        warm_up()
        found = evaluate_market(SELF_TEST)
        gc.freeze()  # the rules and templates live as long as the process: out of the collector's way
        app.state.ready = {"status": "pret", "ruleset_version": found.ruleset_version, "version": clausier_version()}
    except Exception:  # noqa: BLE001 - the process keeps answering /healthz; /readyz says it is not ready
        log.exception("préparation des règles et des modèles impossible")
        app.state.warm_up_failed = True


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        threading.Thread(target=_warm_up, args=(app,), name="clausier-warm-up", daemon=True).start()
        yield

    app = FastAPI(title=TITLE, description=DESCRIPTION, version=clausier_version(), lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url="/v1/openapi.json")
    app.state.settings, app.state.ready, app.state.warm_up_failed = settings, None, False
    app.state.render_slots = None  # an asyncio.Semaphore, made on first use inside the server's event loop
    app.include_router(api.router)
    app.include_router(questionnaire.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    _health_routes(app)
    _docs_route(app)
    _error_handlers(app)
    app.openapi = lambda: _openapi(app)
    if settings.cors_origins:
        from starlette.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Content-Type", "X-Request-ID"],
                           expose_headers=["X-Request-ID", "Content-Disposition"], max_age=600)
    app.add_middleware(RequestContext)
    return app


def _health_routes(app: FastAPI) -> None:
    @app.get("/healthz", summary="Le processus répond", tags=["exploitation"], response_model=schemas.Health)
    async def healthz():
        return {"status": "ok"}

    @app.get("/readyz", summary="Prêt à répondre : règles chargées et compilées", tags=["exploitation"],
             response_model=schemas.Readiness, responses={503: {
                 "description": f"{p.NOT_READY.title} ({p.NOT_READY.type})",
                 "content": {p.PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}}})
    async def readyz(request: Request):
        ready = request.app.state.ready
        if ready is None:
            detail = ("La préparation des règles a échoué : voir le journal du service."
                      if request.app.state.warm_up_failed else "Préparation des règles et des modèles en cours.")
            raise Problem(p.NOT_READY, detail)
        return ready


def _docs_route(app: FastAPI) -> None:
    page = (HERE / "templates" / "docs.html").read_text(encoding="utf-8")

    @app.get("/v1/docs", include_in_schema=False)
    async def docs():
        return HTMLResponse(page)


def _problem_response(request: Request, problem: Problem, headers: dict | None = None) -> Response:
    return Response(problem.content(request.url.path, request_id(request.scope)), status_code=problem.kind.status,
                    media_type=p.PROBLEM_JSON, headers=headers)


_PARAMETER_DETAILS = {"date_from_datetime_parsing": "date ISO attendue (AAAA-MM-JJ)",
                      "date_parsing": "date ISO attendue (AAAA-MM-JJ)",
                      "date_from_datetime_inexact": "date ISO attendue (AAAA-MM-JJ)",
                      "bool_parsing": "true ou false attendu",
                      "string_pattern_mismatch": "date ISO attendue (AAAA-MM-JJ)"}


def _error_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem):
        return _problem_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def on_parameter(request: Request, exc: RequestValidationError):
        errors = [{"parameter": str(e["loc"][-1]), "code": e["type"],
                   "detail": _PARAMETER_DETAILS.get(e["type"], "valeur invalide")} for e in exc.errors()]
        shown = ", ".join(f"« {e['parameter']} » : {e['detail']}" for e in errors)
        return _problem_response(request, Problem(p.PARAMETER, f"Paramètre invalide : {shown}.", errors=errors))

    @app.exception_handler(HTTPException)
    async def on_http(request: Request, exc: HTTPException):
        if exc.status_code == 405:
            return _problem_response(request, Problem(p.METHOD, f"La méthode {request.method} n'est pas admise "
                                                                f"pour {request.url.path}."), exc.headers)
        if exc.status_code == 404:
            return _problem_response(request, Problem(p.NOT_FOUND, f"Aucune ressource à l'adresse "
                                                                   f"{request.url.path[:200]}."))
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(EngineError)
    async def on_engine(request: Request, exc: EngineError):  # rules or templates of the server: not the client's
        log.error("requête %s : %s", request_id(request.scope), exc, exc_info=exc)
        return _problem_response(request, Problem(p.INTERNAL, INTERNAL_DETAIL))
    # Any other exception: RequestContext answers 500 with problem details, the server logs the traceback.


def _openapi(app: FastAPI) -> dict:
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes,
                      servers=[{"url": "/"}])
    schemas_ = doc.setdefault("components", {}).setdefault("schemas", {})
    market = Market.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas_.update(market.pop("$defs", {}))
    schemas_["Market"] = market
    problem = schemas.ProblemDetails.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas_.update(problem.pop("$defs", {}))
    schemas_["ProblemDetails"] = problem
    app.openapi_schema = doc
    return doc
