"""clausier's HTTP service (`clausier serve`, optional extra `web`): the versioned API under /v1/ and the
buyer's questionnaire at /. Stateless: no session, no file written; any worker answers any request.

    create_app(settings=None) -> FastAPI     the ASGI application
    serve(host, port, workers, ...)          run it on uvicorn (engine.service.server)
"""

from .app import create_app
from .server import serve

__all__ = ["create_app", "serve"]
