"""Running a batch: each market evaluated (and rendered), in this process or a pool of forked workers."""

from __future__ import annotations

import datetime as dt
import gc
import multiprocessing
import os
import re
import signal
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from engine.batch.inputs import Item
from engine.batch.naming import output_path
from engine.batch.summary import COLUMNS, DONE, FAILED, REFUSED, WRITTEN
from engine.errors import EngineError, NoApplicableVersion, NotAllowed
from engine.files import remove_stale_parts, write_atomically
from engine.os_messages import os_reason


@dataclass(frozen=True)
class Options:
    """What every market of the batch is generated with."""

    fmt: str = "docx"
    force: bool = False
    on: dt.date | None = None
    templates: Path | None = None
    rulesets: Path | None = None
    # Freeze the heap loaded before the markets (rules, templates) for the garbage collector during the run:
    # it stops rescanning it for each market, and forked workers share its pages instead of copying them.
    # It affects the whole process (gc.freeze), so only a caller that owns the process turns it on (the CLI).
    freeze_heap: bool = False
    # Refuse a market without `launch_date` instead of applying `on` or today's law to it.
    require_date: bool = False


def prepare(options: Options, warm: bool = False) -> None:
    """Load the rules (and the document machinery) once, before markets are processed.

    With `warm`, also compile the rules of every period and prepare every template: done once before
    forking workers, which then share them instead of each redoing it.
    """
    from engine.law.knowledge import knowledge
    from engine.reasoning.compiled import compiled

    kb = knowledge(options.rulesets)
    if options.fmt == "docx":
        from engine import documents  # imported once per process, not per market

        if warm:
            documents.warm_up(options.templates, options.rulesets)  # templates and every period
    elif warm:
        compiled(kb).compile_all()


def process(item: Item, outdir: Path, options: Options) -> dict:
    """Evaluate one market, write its output unless already there, and return its summary row."""
    from engine.law.knowledge import knowledge
    from engine.market.reading import parse_market, read_market_file
    from engine.reasoning.evaluate import evaluate

    row = _row(item.source)
    if isinstance(item.payload, dict):  # a CSV row: its title and reference even if it is invalid
        row.update({k: v for k, v in item.payload.items() if k in ("title", "reference") and isinstance(v, str)})
    if item.problem:
        return dict(row, status=FAILED, error=item.problem)
    try:
        payload = item.payload
        if isinstance(payload, Path):
            payload = read_market_file(payload)
        market = parse_market(payload, item.source)
        if options.require_date and market.launch_date is None:
            return dict(row, status=FAILED, error="launch_date : date de lancement absente ; l'option --require-date "
                        "refuse les marchés sans date au lieu de leur appliquer le droit du jour ou de --date")
        row.update(title=market.title, reference=market.reference)
        decision = evaluate(market, options.on, rulesets=options.rulesets)
        modes = knowledge(options.rulesets).vocabulary.modes
        row.update(mode=decision.mode, mode_libelle=modes[decision.mode].libelle if decision.mode in modes else None,
                   allowed=decision.allowed,
                   hours=decision.hours.value if decision.hours else None,
                   obligations=[s.text for s in decision.obligations])
        path = output_path(outdir, item, options.fmt)
        if path.exists() and not options.force:
            return dict(row, status=DONE, output=path.name)
        if options.fmt == "json":
            data = (decision.model_dump_json(indent=2) + "\n").encode("utf-8")
        else:
            from engine.documents.render import render

            data = render(decision, options.templates, rulesets=options.rulesets)
        try:
            write_atomically(path, data, overwrite=options.force)
        except FileExistsError:  # written meanwhile by another run
            return dict(row, status=DONE, output=path.name)
        return dict(row, status=WRITTEN, output=path.name)
    except NotAllowed as exc:
        from engine.reasoning.explain import refusal

        return dict(row, status=REFUSED, error=_one_line(refusal(exc.decision, options.rulesets, option=False)))
    except NoApplicableVersion as exc:
        return dict(row, status=FAILED, error=exc.located())
    except EngineError as exc:  # InputError, DocumentError, RulesetError…
        return dict(row, status=FAILED, error=_one_line(str(exc)))
    except OSError as exc:
        return dict(row, status=FAILED, error=f"écriture ou lecture impossible : {os_reason(exc)}")
    except Exception as exc:  # noqa: BLE001 - one bad market never stops the others
        return dict(row, status=FAILED, error=f"erreur interne de clausier (un défaut à signaler, voir --debug) : "
                                              f"{exc.__class__.__name__} : {exc}")


def _row(source: str, **fields) -> dict:
    """A summary row: every column, empty unless given."""
    return dict(dict.fromkeys(COLUMNS), source=source, **fields)


def _one_line(message: str) -> str:
    """An engine message on one summary line: « intro :\n  - a\n  - b » becomes « intro : a ; b »."""
    message = re.sub(r"\s*:\s*\n\s*-\s*", " : ", message.strip())
    return re.sub(r"\s*\n\s*-?\s*", " ; ", message)


_WORKER: dict = {}


def _init_worker(outdir: Path, options: Options) -> None:
    # Ctrl-C and SIGTERM are the parent's to handle: it stops handing out markets and lets the workers
    # finish the ones they hold (outputs are atomic); a worker asked to stop by the system just stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORKER.update(outdir=outdir, options=options)
    prepare(options)


def _process_chunk(chunk: list[tuple[int, Item]]) -> list[tuple[int, dict]]:
    return [(i, process(item, _WORKER["outdir"], _WORKER["options"])) for i, item in chunk]


def run(items: list[Item], outdir: Path, options: Options, jobs: int | None = None,
        progress: Callable[[int], None] | None = None) -> list[dict]:
    """Process every item (in parallel when `jobs` > 1) and return the summary rows in input order.

    Args:
        jobs: worker processes; default: every core. 1 runs in this process.
        progress: called with the number of markets just finished.
    """
    jobs = max(1, jobs or os.cpu_count() or 1)
    tick = progress or (lambda n: None)
    rows: list[dict | None] = [None] * len(items)
    indexed = list(enumerate(items))
    if outdir.is_dir():
        remove_stale_parts(outdir)  # debris of a batch killed earlier (SIGKILL): nobody holds these files
    single = jobs == 1 or len(items) == 1
    prepare(options, warm=not single)  # with fork, workers inherit the loaded rules and templates
    if options.freeze_heap:
        gc.freeze()
    try:
        if single:
            for i, item in indexed:
                rows[i] = process(item, outdir, options)
                tick(1)
            return rows  # type: ignore[return-value]
        cap = 8 if options.fmt == "docx" else 256  # small chunks: an interruption waits for little work
        size = max(1, min(cap, len(items) // (jobs * 8)))
        chunks = [indexed[k:k + size] for k in range(0, len(indexed), size)]
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        return _run_pool(chunks, rows, outdir, options, jobs, context, tick)
    finally:
        if options.freeze_heap:
            gc.unfreeze()


def _run_pool(chunks, rows, outdir, options, jobs, context, tick) -> list[dict]:
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(chunks)), mp_context=context,
                               initializer=_init_worker, initargs=(outdir, options))
    futures = {pool.submit(_process_chunk, chunk): chunk for chunk in chunks}
    try:
        for future in as_completed(futures):
            chunk = futures[future]
            try:
                done = future.result()
            except Exception as exc:  # noqa: BLE001 - a crashed worker fails its markets, not the batch
                done = [(i, _row(item.source, status=FAILED,
                                 error=f"le processus de traitement s'est arrêté : {exc.__class__.__name__}"))
                        for i, item in chunk]
            for i, row in done:
                rows[i] = row
            tick(len(done))
    except BaseException:
        # Ctrl-C: drop the markets not started (the workers finish the few they hold; outputs are atomic).
        # Each future is cancelled here: shutdown(cancel_futures=True) alone does nothing once the pool
        # object is gone, and the pool would then run every queued market before the process can exit.
        for future in futures:
            future.cancel()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return rows  # type: ignore[return-value]
