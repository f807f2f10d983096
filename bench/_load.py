"""A small HTTP/1.1 load generator for bench/service.py: keep-alive clients on asyncio (uvloop when
installed), raw requests over one connection each, so that the client costs little of the CPU the service
shares with it on the same machine. Also the misbehaving clients of the fault run."""

from __future__ import annotations

import asyncio
import random
import statistics
import time
from dataclasses import dataclass, field

TIMEOUT = 15  # seconds: a request without an answer by then is a failure (and the bench goes on)


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, status: int, seconds: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        self.latencies.append(seconds)

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")


def request(path: str, body: bytes, content_type: str = "application/json", host: str = "bench") -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = 0
    for line in head.split(b"\r\n")[1:]:
        if line[:15].lower() == b"content-length:":
            length = int(line[15:])
    body = await reader.readexactly(length) if length else b""
    return status, body


async def client(port: int, requests: list[bytes], count: int, tally: Tally, offset: int,
                 expect: int = 200) -> None:
    """`count` requests over one keep-alive connection, cycling through `requests` from `offset`."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for i in range(count):
            t = time.perf_counter()
            writer.write(requests[(offset + i) % len(requests)])
            async with asyncio.timeout(TIMEOUT):
                status, _ = await read_response(reader)
            tally.add(status, time.perf_counter() - t)
            if status != expect:
                tally.errors.append(f"statut {status}")
    except (OSError, asyncio.IncompleteReadError, TimeoutError) as exc:
        tally.errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        writer.close()


async def load(port: int, requests: list[bytes], total: int, clients: int, tally: Tally) -> float:
    """`total` requests spread over `clients` concurrent connections; returns the wall seconds."""
    per = total // clients
    t = time.perf_counter()
    await asyncio.gather(*(client(port, requests, per, tally, k * 7919) for k in range(clients)))
    return time.perf_counter() - t


# --- misbehaving clients --------------------------------------------------------------------------------

async def repeat(one, stop: asyncio.Event, counts: dict, name: str) -> None:
    """Run `one()` until `stop`, each under a timeout (a hung exchange is a failure, not a hung bench)."""
    while not stop.is_set():
        try:
            await asyncio.wait_for(one(), TIMEOUT)
        except asyncio.TimeoutError:
            counts[f"{name} : sans réponse en {TIMEOUT} s"] = counts.get(f"{name} : sans réponse en {TIMEOUT} s", 0) + 1


async def disconnect_mid_request(port: int, body: bytes, stop: asyncio.Event, counts: dict) -> None:
    """Send the headers and half the body, then hang up; or a whole request, and hang up before the answer."""
    await repeat(lambda: _disconnect(port, body, counts), stop, counts, "coupure")


async def _disconnect(port: int, body: bytes, counts: dict) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    data = request("/v1/document" if random.random() < 0.5 else "/v1/decision", body)
    writer.write(data[: len(data) // 2] if random.random() < 0.5 else data)
    await writer.drain()
    await asyncio.sleep(0.005)
    writer.transport.abort()
    counts["coupures"] = counts.get("coupures", 0) + 1
    await asyncio.sleep(0.05)


async def slow_client(port: int, body: bytes, stop: asyncio.Event, counts: dict, tally: Tally) -> None:
    """A request sent a few bytes at a time over about two seconds, then its answer read."""
    await repeat(lambda: _slow(port, body, counts, tally), stop, counts, "client lent")


async def _slow(port: int, body: bytes, counts: dict, tally: Tally) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    data = request("/v1/decision", body)
    step = max(1, len(data) // 40)
    t = time.perf_counter()
    try:
        for i in range(0, len(data), step):
            writer.write(data[i:i + step])
            await writer.drain()
            await asyncio.sleep(0.05)
        status, _ = await read_response(reader)
        tally.add(status, time.perf_counter() - t)
        counts["lents"] = counts.get("lents", 0) + 1
    except (OSError, asyncio.IncompleteReadError) as exc:
        tally.errors.append(f"client lent : {type(exc).__name__}")
    finally:
        writer.close()


async def bad_bodies(port: int, body: bytes, stop: asyncio.Event, counts: dict) -> None:
    """Oversized (2 MiB, announced or not), malformed and non-JSON bodies; each must get its 4xx."""
    big = b'{"title": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    cases = [(request("/v1/decision", big), 413), (request("/v1/decision", body[:-3]), 400),
             (request("/v1/decision", body, "text/plain"), 415), (request("/v1/decision", b'{"amount": -1}'), 422)]
    await repeat(lambda: _bad(port, cases, counts), stop, counts, "mauvais corps")


async def _bad(port: int, cases: list, counts: dict) -> None:
    data, expected = random.choice(cases)
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        status, _ = await read_response(reader)
        key = "mauvais corps (statut attendu)" if status == expected else f"mauvais corps : {status} au lieu de {expected}"
        counts[key] = counts.get(key, 0) + 1
    except (OSError, asyncio.IncompleteReadError) as exc:
        # a 413 may be answered before the whole 2 MiB is sent: the server then closes the connection
        ok = expected == 413
        key = "mauvais corps (statut attendu)" if ok else f"mauvais corps : {type(exc).__name__}"
        counts[key] = counts.get(key, 0) + 1
    finally:
        writer.close()
    await asyncio.sleep(0.01)
