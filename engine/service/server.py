"""Running the service on uvicorn: uvloop and httptools when installed (the `web` extra installs them where the
platform has wheels), the pure-Python asyncio loop and h11 parser otherwise.

Several workers: each worker process listens on its own socket bound with SO_REUSEPORT, so that the kernel
spreads connections over the workers. uvicorn's own `--workers` shares one listening socket, and the first
worker to wake up accepts every pending connection: measured here (bench/service.py), 20 keep-alive
clients then mostly land on one worker while the other idles. Without SO_REUSEPORT (Windows), uvicorn's
workers are used.
"""

from __future__ import annotations

import importlib.util
import logging
import multiprocessing
import os
import signal
import socket
import threading

from .settings import ENV_CORS

APP = "engine.service.app:create_app"
STARTUP_FAILURE = 3  # uvicorn's exit code when a worker cannot start (bad socket, app import error)
log = logging.getLogger("uvicorn.error")


def implementations() -> tuple[str, str]:
    """(event loop, HTTP parser) uvicorn will use here."""
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    return loop, http


def _options(host: str, port: int, loop: str, http: str, access_log: bool) -> dict:
    return dict(host=host, port=port, loop=loop, http=http, access_log=access_log, factory=True,
                proxy_headers=True, server_header=False, timeout_keep_alive=75, timeout_graceful_shutdown=30,
                log_level="info")


def serve(host: str = "127.0.0.1", port: int = 8000, workers: int = 1, cors_origins: tuple[str, ...] = (),
          access_log: bool = True, loop: str | None = None, http: str | None = None) -> None:
    """Serve until SIGINT/SIGTERM: the workers then stop accepting, finish the requests under way and exit.

    Settings reach the worker processes through the environment (they are spawned, not forked).
    """
    import uvicorn

    if cors_origins:
        os.environ[ENV_CORS] = " ".join(cors_origins)
    default_loop, default_http = implementations()
    options = _options(host, port, loop or default_loop, http or default_http, access_log)
    if workers == 1 or not hasattr(socket, "SO_REUSEPORT"):
        # uvicorn stops gracefully on SIGTERM, then raises the signal again for the previous handler: a no-op
        # here, so that a clean stop exits with 0 rather than « killed by SIGTERM ».
        signal.signal(signal.SIGTERM, lambda signum, frame: None)
        uvicorn.run(APP, workers=workers, **options)
        return
    _supervise(workers, options)


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _worker(options: dict) -> None:
    """One worker process: its own SO_REUSEPORT socket, one uvicorn server (which handles SIGTERM itself)."""
    import uvicorn

    config = uvicorn.Config(APP, **options)
    config.configure_logging()
    try:
        sock = _listening_socket(options["host"], options["port"])
    except OSError as exc:
        log.error("écoute impossible sur %s:%s : %s", options["host"], options["port"], exc.strerror or exc)
        raise SystemExit(STARTUP_FAILURE) from None
    uvicorn.Server(config).run(sockets=[sock])


def _supervise(workers: int, options: dict) -> None:
    """Start the workers, restart one that dies, stop them all on SIGINT/SIGTERM (each finishes its requests)."""
    import uvicorn

    uvicorn.Config(APP, **options).configure_logging()
    try:  # fail now, in the parent, if the address is taken by another program
        _listening_socket(options["host"], options["port"]).close()
    except OSError as exc:
        log.error("écoute impossible sur %s:%s : %s", options["host"], options["port"], exc.strerror or exc)
        raise SystemExit(1) from None
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for name in ("SIGINT", "SIGTERM"):
        signal.signal(getattr(signal, name), lambda signum, frame: stop.set())

    def start():
        process = context.Process(target=_worker, args=(options,), name="clausier-worker")
        process.start()
        return process

    processes = [start() for _ in range(workers)]
    log.info("service sur http://%s:%s : %d workers (SO_REUSEPORT), processus parent [%d]",
             options["host"], options["port"], workers, os.getpid())
    while not stop.wait(0.5):
        for i, process in enumerate(processes):
            if process.is_alive():
                continue
            if process.exitcode == STARTUP_FAILURE:
                log.error("le worker [%s] n'a pas pu démarrer : arrêt du service", process.pid)
                stop.set()
                break
            log.warning("le worker [%s] s'est arrêté (code %s) : relancé", process.pid, process.exitcode)
            processes[i] = start()
    for process in processes:
        if process.is_alive():
            os.kill(process.pid, signal.SIGTERM)
    for process in processes:
        process.join(options["timeout_graceful_shutdown"] + 5)
        if process.is_alive():
            process.kill()
    log.info("service arrêté")
