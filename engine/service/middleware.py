"""Headers every response carries: a request id (taken from the load balancer when it sent a sane one) and
basic security headers. A plain ASGI middleware: Starlette's BaseHTTPMiddleware costs a task per request."""

from __future__ import annotations

import logging
import re
import uuid

from starlette.requests import ClientDisconnect

from .problems import INTERNAL, PROBLEM_JSON, Problem

log = logging.getLogger("clausier.service")
_SANE_ID = re.compile(rb"^[A-Za-z0-9._:/+=-]{1,128}$")
# Pages and scripts come from the service itself only (vendored assets, no CDN); Swagger UI sets inline styles.
_CSP = (b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
_COMMON = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]


INTERNAL_DETAIL = "Le service n'a pas pu traiter la demande ; l'incident est consigné dans son journal."


def request_id(scope) -> str | None:
    """The id of the request being served (set by RequestContext)."""
    return scope.get("state", {}).get("request_id")


class RequestContext:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        rid = None
        for name, value in scope["headers"]:
            if name == b"x-request-id" and _SANE_ID.match(value):
                rid = value.decode()
                break
        if rid is None:
            rid = uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = rid
        encoded = rid.encode()
        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", ()))
                headers.append((b"x-request-id", encoded))
                headers.extend(_COMMON)
                if any(k == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    headers.append((b"content-security-policy", _CSP))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except ClientDisconnect:  # the client left before sending its whole request: nobody to answer
            return
        except Exception:
            if started:
                raise
            # Logged here and answered with problem details: re-raised, uvicorn would close a keep-alive
            # connection the client may be about to reuse.
            log.exception("requête %s : erreur interne", rid)
            body = Problem(INTERNAL, INTERNAL_DETAIL).content(scope.get("path", ""), rid)
            await send_with_headers({"type": "http.response.start", "status": 500, "headers": [
                (b"content-type", PROBLEM_JSON.encode()), (b"content-length", str(len(body)).encode())]})
            await send_with_headers({"type": "http.response.body", "body": body})
