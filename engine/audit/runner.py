"""The audit run: read every input as a stream, drop duplicates, evaluate distinct contracts on N processes,
stream the rows to contrats.csv and aggregate them.

The main process reads (ijson parses in C) and deduplicates (a duplicate is the same buyer and the same id,
whatever the feed); batches of raw records go to forked workers that clean, map, evaluate (engine.assess: no
trace, no document) and return the CSV cells, in order; the main process writes and aggregates them. At most 2 × N batches are in flight, so memory does not grow with the input;
the only per-contract state is the set of 64-bit keys seen (about 60 bytes per distinct contract).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from engine.reasoning.assessment import prepare

from . import contract, outputs, readers, records
from .summary import Summary

BATCH = 256


@dataclass
class Options:
    on: dt.date | None = None  # --date: the law of this date for every contract
    jobs: int | None = None
    known_buyers: dict = field(default_factory=dict)
    rulesets: Path | None = None  # an edited copy of rulesets/ (practice lags, thresholds), default: shipped
    today: dt.date = field(default_factory=dt.date.today)


_WORKER_OPTIONS: Options | None = None  # set before forking: workers inherit it


def _process(batch: list[tuple]) -> list[tuple]:
    """Raw records -> ("row", cells) or ("problem", file, position, reason, detail), in order."""
    o = _WORKER_OPTIONS
    out = []
    for fmt, raw, file, position in batch:
        try:
            r = records.normalise(fmt, raw, file, position, o.today)
            out.append(("row", contract.cells(contract.row(r, o.on, o.known_buyers, o.rulesets))))
        except Exception as exc:  # noqa: BLE001 - a record never stops the run; its reason is counted
            out.append(("problem", file, position, "enregistrement illisible", f"{type(exc).__name__}: {exc}"[:200]))
    return out


def key(buyer_id: str, ident: str) -> int:
    return hash((buyer_id, ident.strip().upper()))


def _records(inputs: list[Path], summary: Summary, options: Options, progress):
    """Distinct records of every input, in order; duplicates and unreadable records are counted."""
    seen: set[int] = set()
    duplicated: set[int] = set()
    for path in inputs:
        name = path.name
        for fmt, position, raw in readers.read(path, progress):
            info = summary.file(name, fmt)
            info["format"] = info["format"] or fmt
            if isinstance(raw, readers.ReadProblem):
                summary.problem(name, position, raw.reason, raw.detail)
                continue
            summary.records_read += 1
            info["enregistrements"] += 1
            buyer_id, ident = records.raw_key(fmt, raw)
            if ident:
                k = key(buyer_id, ident)
                if k in seen:
                    duplicated.add(k)
                    summary.duplicates += 1
                    info["doublons"] += 1
                    continue
                seen.add(k)
            yield fmt, raw, name, position
    yield duplicated  # the caller's last item: keys seen more than once


def run(inputs: list[Path], tmpdir: Path, options: Options, progress=None) -> tuple[Summary, set]:
    """Process every input into tmpdir/contrats.csv; returns the aggregates and the duplicated keys."""
    global _WORKER_OPTIONS
    summary = Summary()
    writer = outputs.RowWriter(tmpdir)
    prepare(options.rulesets)  # compile every period once: forked workers share it
    _WORKER_OPTIONS = options
    jobs = options.jobs or os.cpu_count() or 1
    stream = _records(inputs, summary, options, progress)
    duplicated: set[int] = set()

    def batches():
        nonlocal duplicated
        batch: list = []
        for item in stream:
            if isinstance(item, set):
                duplicated = item
                break
            batch.append(item)
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    def consume(results):
        for item in results:
            if item[0] == "row":
                writer.write(item[1])
                summary.add(item[1])
            else:
                summary.problem(*item[1:])

    try:
        if jobs == 1:
            for batch in batches():
                consume(_process(batch))
        else:
            _parallel(batches(), jobs, options, consume, summary)
        writer.finish(duplicated, key)
        summary.flags["doublon"] = len(duplicated)  # kept contracts published more than once
    finally:
        writer.close()
    return summary, duplicated


def _parallel(batches, jobs: int, options: Options, consume, summary: Summary) -> None:
    """Batches on forked workers, results consumed in order, at most 2 × jobs batches in flight.

    A worker that dies (killed, out of memory) breaks the pool: its batches and the rest are then processed
    in this process, and the incident is counted (`processus_interrompus`), instead of waiting forever.
    """
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pending: deque = deque()
    with ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init, initargs=(options,)) as pool:
        try:
            for batch in batches:
                pending.append([batch, None])  # kept first: submit itself raises once the pool is broken
                pending[-1][1] = pool.submit(_process, batch)
                while len(pending) > 2 * jobs:
                    consume(pending[0][1].result())
                    pending.popleft()  # only once consumed: a broken pool leaves it to be redone here
            while pending:
                consume(pending[0][1].result())
                pending.popleft()
            return
        except BrokenProcessPool:
            summary.worker_failures += 1
    while pending:  # the pool is broken: finish here, in order
        consume(_process(pending.popleft()[0]))
    for batch in batches:
        consume(_process(batch))


def _init(options: Options) -> None:
    global _WORKER_OPTIONS
    _WORKER_OPTIONS = options
