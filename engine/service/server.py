"""Running the service on uvicorn: uvloop and httptools when installed (the `web` extra installs them where the
platform has wheels), the pure-Python asyncio loop and h11 parser otherwise."""

from __future__ import annotations

import importlib.util
import os

from .settings import ENV_CORS

APP = "engine.service.app:create_app"


def implementations() -> tuple[str, str]:
    """(event loop, HTTP parser) uvicorn will use here."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return loop, http


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1, cors_origins: tuple[str, ...] = (),
          access_log: bool = True, loop: str | None = None, http: str | None = None) -> None:
    """Serve until SIGINT/SIGTERM: uvicorn then stops accepting, finishes the requests under way and exits.

    Settings reach the worker processes through the environment (they are spawned, not forked).
    """
    import uvicorn

    if cors_origins:
        os.environ[ENV_CORS] = " ".join(cors_origins)
    default_loop, default_http = implementations()
    uvicorn.run(APP, factory=True, host=host, port=port, workers=workers, loop=loop or default_loop,
                http=http or default_http, access_log=access_log, proxy_headers=True, server_header=False,
                timeout_keep_alive=75, timeout_graceful_shutdown=30, log_level="info")
