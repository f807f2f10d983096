"""`clausier serve`: lazy (the CLI does not load the web stack), a French message without the web extra,
several workers, and a clean stop on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)

httpx = pytest.importorskip("httpx")
ROOT = Path(__file__).resolve().parent.parent
MAIN = "import sys, cli; sys.argv[0] = 'clausier'; cli.main()"


def run_python(code: str, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=60, **kw)


def test_the_command_line_does_not_load_the_web_stack():
    out = run_python("import sys, cli; cli.cli.main(['--help'], standalone_mode=False); "
                     "print(sorted(m for m in ('fastapi', 'uvicorn', 'starlette', 'engine.service') if m in sys.modules))")
    assert out.stdout.strip().endswith("[]"), out.stdout
    assert "serve" in out.stdout


def test_without_the_web_extra_serve_says_how_to_install_it():
    out = run_python("import sys; sys.modules['fastapi'] = None; " + MAIN, "serve")
    assert out.returncode == 2
    assert out.stderr.startswith("Erreur : le service HTTP demande des paquets absents (fastapi)")
    assert 'pip install ".[web]"' in out.stderr and "Traceback" not in out.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_the_workers_answer_and_sigterm_stops_the_service_cleanly(workers):
    pytest.importorskip("uvicorn")
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", MAIN, "serve", "--port", str(port), "--workers", workers,
                             "--no-access-log"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = f"http://127.0.0.1:{port}"
        deadline, ready = time.monotonic() + 60, None
        while time.monotonic() < deadline and ready is None:
            try:
                r = httpx.get(url + "/readyz", timeout=2)
                ready = r if r.status_code == 200 else None
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        assert ready is not None, "service non prêt"
        market = {"segment": "travaux", "amount": 1e6, "procedure": "appel_offres", "buyer_type": "etat",
                  "launch_date": "2026-11-24"}
        with httpx.Client(base_url=url) as client:
            assert all(client.post("/v1/decision", json=market).status_code == 200 for _ in range(20))
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = proc.stdout.read()
    assert "Shutting down" in log and "Traceback" not in log
