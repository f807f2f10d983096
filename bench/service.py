"""The HTTP service under load, beside the in-process rate measured in the same run.

1. Baseline, in this process on one core: `engine.evaluate` on the JSON bytes of 1 000 generated markets
   (and with the Decision serialised as the API does), `engine.render` for documents.
2. `clausier serve` (as `engine.service.serve`) in a separate process with W workers (default 2), uvloop and
   httptools: N decisions (default 100 000) from C keep-alive clients (default 20): decisions/s, p50, p99,
   errors, and the workers' resident memory after the warm-up, at 10 000 and at N requests.
3. Documents: D requests (default 2 000) from the same clients: documents/s, p50, p99.
4. Under faults: the C clients again while other clients hang up mid-request, send their request a few
   bytes at a time, or send oversized (2 MiB), malformed and non-JSON bodies; every normal request must
   still succeed and every bad one get its 4xx.
5. The same decision load with the default asyncio loop and h11 parser, to measure what uvloop and
   httptools bring.

Targets (2 cores shared by the service and this client): HTTP decisions ≥ 0.5 × the in-process
single-core rate with 20 clients, p99 ≤ 50 ms, no error, worker memory growth < 10 MiB over 100 000 requests.

    python bench/service.py [--requests N] [--clients C] [--workers W] [--documents D]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, markets, verdict
from _load import Tally, bad_bodies, disconnect_mid_request, load, request, slow_client

import engine

try:
    import uvloop
except ImportError:  # the client then runs on asyncio's own loop
    uvloop = None


def baseline(bodies: list[bytes]) -> dict[str, float]:
    for body in bodies:
        engine.evaluate(body)
    decisions = [engine.evaluate(b) for b in bodies[:300]]
    for d in decisions[:20]:
        if d.allowed and d.mode:
            engine.render(d)
    gc.collect()
    rounds = 5
    t = time.perf_counter()
    for _ in range(rounds):
        for body in bodies:
            engine.evaluate(body)
    evaluate_rate = rounds * len(bodies) / (time.perf_counter() - t)
    t, cpu = time.perf_counter(), time.process_time()
    for body in bodies:
        engine.evaluate(body).model_dump_json(indent=2)
    json_rate = len(bodies) / (time.perf_counter() - t)
    json_cpu_ms = (time.process_time() - cpu) / len(bodies) * 1000
    renderable = [d for d in decisions if d.allowed and d.mode][:200]
    t = time.perf_counter()
    for d in renderable:
        engine.render(d)
    render_rate = len(renderable) / (time.perf_counter() - t)
    return {"evaluate": evaluate_rate, "evaluate_json": json_rate, "render": render_rate, "json_cpu_ms": json_cpu_ms}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(workers: int, loop: str, http: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    code = (f"from engine.service import serve; serve(port={port}, workers={workers}, access_log=False, "
            f"loop={loop!r}, http={http!r})")
    log = tempfile.NamedTemporaryFile(prefix="clausier-bench-service-", suffix=".log", delete=False)
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    proc.log_path = log.name  # read at the end: a pipe nobody reads would block the service once full
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(b"GET /readyz HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n")
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    return proc, port
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"le service ne répond pas : {Path(log.name).read_text()[-2000:]}")


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def workers_rss(server: subprocess.Popen) -> list[float]:
    kids = children(server.pid)
    workers = [k for k in kids if b"spawn_main" in Path(f"/proc/{k}/cmdline").read_bytes()] or [server.pid]
    return [rss_mib(k) for k in sorted(workers)]


def workers_cpu(server: subprocess.Popen) -> float:
    """CPU seconds (user + system) the service's processes have used so far."""
    total = 0.0
    for pid in [server.pid, *children(server.pid)]:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def line(label: str, count: int, seconds: float, tally: Tally) -> str:
    errors = f", {len(tally.errors)} erreur(s) : {sorted(set(tally.errors))[:3]}" if tally.errors else ", 0 erreur"
    return (f"{label:<34} {count / seconds:8,.0f}/s   p50 {tally.p50:6.1f} ms   p99 {tally.percentile(0.99):6.1f} ms"
            f"{errors}")


async def decisions_with_memory(port, requests, total, clients, server) -> tuple[float, Tally, dict]:
    tally, memory, done, elapsed = Tally(), {"après échauffement": workers_rss(server)}, 0, 0.0
    chunk = min(total, 10_000)
    while done < total:
        elapsed += await load(port, requests, chunk, clients, tally)
        done += chunk
        if done in (10_000, total):
            memory[f"à {done:,}".replace(",", " ")] = workers_rss(server)
    return elapsed, tally, memory


async def _troublemakers(port: int, body: bytes, stop_flag, results) -> None:
    stop, counts, slow = asyncio.Event(), {}, Tally()
    tasks = ([asyncio.create_task(disconnect_mid_request(port, body, stop, counts)) for _ in range(4)]
             + [asyncio.create_task(slow_client(port, body, stop, counts, slow)) for _ in range(4)]
             + [asyncio.create_task(bad_bodies(port, body, stop, counts)) for _ in range(2)])
    lag = 0.0  # how late this process's own event loop wakes up: a starved client is not a slow service
    while not stop_flag.is_set():
        t = time.perf_counter()
        await asyncio.sleep(0.1)
        lag = max(lag, time.perf_counter() - t - 0.1)
    stop.set()
    await asyncio.gather(*tasks)
    counts["retard maximal de la boucle des clients perturbateurs (s)"] = round(lag, 2)
    results.put((counts, slow.p50, slow.errors))


def troublemakers(port: int, body: bytes, stop_flag, results) -> None:
    """The misbehaving clients, in a process of their own: their work must not delay the normal clients'
    event loop, whose latencies are measured."""
    run(_troublemakers(port, body, stop_flag, results))


def under_faults(port, requests, clients, body) -> tuple[float, int, Tally, float, list, dict]:
    context = multiprocessing.get_context("spawn")
    stop_flag, results = context.Event(), context.Queue()
    process = context.Process(target=troublemakers, args=(port, body, stop_flag, results))
    process.start()
    time.sleep(1)  # let them start misbehaving first
    tally, total = Tally(), clients * 1000
    elapsed = run(load(port, requests, total, clients, tally))
    stop_flag.set()
    counts, slow_p50, slow_errors = results.get(timeout=120)
    process.join(30)
    return elapsed, total, tally, slow_p50, slow_errors, counts


def run(coro):
    return uvloop.run(coro) if uvloop else asyncio.run(coro)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--documents", type=int, default=2_000)
    args = parser.parse_args()
    mix = markets(1000)
    bodies = [json.dumps(m).encode() for m in mix]
    base = baseline(bodies)
    print(f"machine : {os.cpu_count()} cœurs ; service : {args.workers} worker(s) ; {args.clients} clients keep-alive")
    print(f"référence en processus, un cœur : evaluate {base['evaluate']:,.0f}/s ; evaluate + JSON "
          f"{base['evaluate_json']:,.0f}/s ; document (render) {base['render']:,.0f}/s")
    decision_requests = [request("/v1/decision", b) for b in bodies]
    allowed = [b for b, m in zip(bodies, mix) if engine.evaluate(b).allowed and engine.evaluate(b).mode]
    document_requests = [request("/v1/document", b) for b in allowed]

    server, port = start(args.workers, "uvloop", "httptools")
    try:
        run(load(port, decision_requests, 2_000, args.clients, Tally()))  # warm-up: every worker, every period
        gc.collect()
        cpu = workers_cpu(server)
        elapsed, tally, memory = run(decisions_with_memory(port, decision_requests, args.requests, args.clients, server))
        cpu_ms = (workers_cpu(server) - cpu) / args.requests * 1000
        rate = args.requests / elapsed
        print(line("décisions HTTP (uvloop, httptools)", args.requests, elapsed, tally))
        ratio = rate / base["evaluate"]
        print(f"  rapport au rythme en processus (evaluate seul) : {ratio:.2f}× (cible ≥ 0,5×) : {verdict(ratio >= 0.5)}")
        print(f"  p99 {tally.percentile(0.99):.1f} ms (cible ≤ 50 ms) : {verdict(tally.percentile(0.99) <= 50)} ; "
              f"erreurs : {verdict(not tally.errors)}")
        print(f"  CPU du service par décision HTTP : {cpu_ms:.2f} ms, contre {base['json_cpu_ms']:.2f} ms pour "
              f"evaluate + JSON en processus (surcoût HTTP {cpu_ms - base['json_cpu_ms']:+.2f} ms) ; "
              f"charge de la machine : {os.getloadavg()[0]:.1f}")
        for label, values in memory.items():
            print(f"  mémoire des workers {label} : " + ", ".join(f"{v:.1f} Mio" for v in values))
        first, last = list(memory.values())[1], list(memory.values())[-1]
        growth = max(b - a for a, b in zip(first, last))
        print(f"  croissance de 10 000 à {args.requests:,} requêtes : {growth:+.1f} Mio (cible < 10 Mio) : "
              f"{verdict(growth < 10)}".replace(",", " "))

        docs = Tally()
        elapsed = run(load(port, document_requests, args.documents, args.clients, docs))
        print(line("documents HTTP", args.documents, elapsed, docs))
        print(f"  rapport au rythme en processus (render seul) : {args.documents / elapsed / base['render']:.2f}×")

        body = bodies[0]
        elapsed, total, tally, slow_p50, slow_errors, counts = under_faults(port, decision_requests, args.clients, body)
        print(line("décisions HTTP sous perturbations", total, elapsed, tally))
        print(f"  perturbations : {counts} ; clients lents servis en p50 {slow_p50 / 1000:.1f} s, "
              f"{len(slow_errors)} erreur(s)")
        failed = [k for k in counts if "sans réponse" in k or "au lieu de" in k or "Error" in k]
        print(f"  le service répond aux autres : {verdict(not tally.errors and not failed and not slow_errors)}")
        alive = run(load(port, decision_requests, 200, 1, Tally()))
        print(f"  après les perturbations, 200 requêtes en {alive * 1000:.0f} ms ; mémoire des workers : "
              + ", ".join(f"{v:.1f} Mio" for v in workers_rss(server)))
    finally:
        server.terminate()
        server.wait(30)

    server, port = start(args.workers, "asyncio", "h11")
    try:
        run(load(port, decision_requests, 2_000, args.clients, Tally()))
        n = min(args.requests, 20_000)
        tally = Tally()
        elapsed = run(load(port, decision_requests, n, args.clients, tally))
        print(line("décisions HTTP (asyncio, h11)", n, elapsed, tally))
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
