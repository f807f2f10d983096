"""Batch generation over a procurement plan: many markets in, one output per market and a summary out.

Owns the three input kinds (a folder of JSON files, a JSON Lines file, a CSV export of a procurement
plan read with French spreadsheet conventions), the safe naming of output files (never outside the output
folder, collisions refused in input order), the process pool (workers load the rules and templates once),
atomic writes and the summary files. No click and no printing: the CLI shows progress through a callback.
Legal content stays in `evaluate` and `render`; this module only schedules them.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import io
import json
import multiprocessing
import os
import re
import signal
import unicodedata
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from engine.files import remove_stale_parts, write_atomically
from engine.errors import EngineError, NoApplicableVersion, NotAllowed

SUMMARY_CSV, SUMMARY_JSON = "_resume.csv", "_resume.json"
COLUMNS = ("source", "status", "mode", "allowed", "hours", "obligations", "output", "error")
WRITTEN, DONE, REFUSED, FAILED = "ecrit", "deja_fait", "refuse", "erreur"
JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
MAX_NAME = 100

# CSV columns: the market's fields, nested ones with a dot; how each cell is read.
_NUMBER = ("amount", "penalty_per_hour", "insertion.hourly_cost", "weights.price", "weights.environment",
           "weights.insertion")
_FRACTION = ("insertion.rate", "insertion.labour_share")  # "5 %" is 0.05
_INTEGER = ("duration_months", "insertion.hours")
CSV_COLUMNS = ("segment", "cpv", "amount", "procedure", "buyer_type", "contract_type", "reserved_for", "mode",
               "launch_date", "title", "buyer_name", "reference", "duration_months", "penalty_per_hour",
               "insertion.rate", "insertion.labour_share", "insertion.hourly_cost", "insertion.hours",
               "derogation.reason", "derogation.justification", "weights.price", "weights.environment",
               "weights.insertion", "facilitator.name", "facilitator.contact")


class BatchInputError(EngineError):
    """The batch input as a whole cannot be read (missing, unknown kind, bad CSV header)."""


@dataclass(frozen=True)
class Item:
    """One market of a batch: how the user finds it, its output name, and what to read."""

    source: str                 # "marche.json", "ligne 12" (JSON Lines), "ligne 5" (CSV, header = line 1)
    name: str                   # output file name without extension, safe and unique in the batch
    payload: object             # Path (file of a folder), str (JSON line) or dict (CSV row)
    problem: str | None = None  # found while reading: reported without evaluating


@dataclass(frozen=True)
class Options:
    """What every market of the batch is generated with."""

    fmt: str = "docx"
    force: bool = False
    on: dt.date | None = None
    templates: Path | None = None
    rulesets: Path | None = None


# --- reading ---------------------------------------------------------------------------------------

def read_input(path: Path, outdir: Path | None = None) -> list[Item]:
    """The markets of a folder of .json files, a JSON Lines file or a CSV procurement plan, in order.

    Raises:
        BatchInputError: the input does not exist, is of an unknown kind, or its CSV header is invalid.
    """
    if path.is_dir():
        if outdir is not None and outdir.resolve() == path.resolve():
            raise BatchInputError(f"{path} : le dossier de sortie doit être distinct du dossier d'entrée")
        items = _read_folder(path)
    elif not path.exists():
        raise BatchInputError(f"{path} : fichier ou dossier introuvable")
    elif path.suffix.lower() in JSONL_SUFFIXES:
        items = _read_jsonl(path)
    elif path.suffix.lower() == ".csv":
        items = _read_csv(path)
    else:
        raise BatchInputError(f"{path} : entrée non reconnue ; un dossier de fichiers .json, un fichier .jsonl "
                              "ou un fichier .csv est attendu")
    if not items:
        raise BatchInputError(f"{path} : aucun marché à traiter")
    return _unique_names(items)


def _read_folder(folder: Path) -> list[Item]:
    files = sorted(p for p in folder.iterdir()
                   if p.suffix.lower() == ".json" and not p.name.startswith(".") and p.is_file())
    return [Item(p.name, safe_name(p.stem), p) for p in files]


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BatchInputError(f"{path} : lecture impossible ({exc.strerror})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's « CSV (séparateur : point-virgule) » is written in Windows-1252
        return raw.decode("cp1252", errors="replace")


def _read_jsonl(path: Path) -> list[Item]:
    items = []
    for number, line in enumerate(_read_text(path).split("\n"), start=1):  # not splitlines(): U+2028 is valid JSON
        line = line.rstrip("\r")
        if line.strip():
            items.append(Item(f"ligne {number}", f"ligne-{number:05d}", line))
    return items


def _read_csv(path: Path) -> list[Item]:
    text = _read_text(path)
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first.count) if any(c in first for c in ";,\t") else ";"
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(rows)
    except StopIteration:
        raise BatchInputError(f"{path} : fichier CSV vide") from None
    except csv.Error as exc:
        raise BatchInputError(f"{path} : CSV illisible ({exc})") from None
    known = {c.casefold(): c for c in CSV_COLUMNS}
    columns: list[str | None] = []
    for cell in header:
        name = cell.strip()
        if not name:
            columns.append(None)  # an empty trailing column left by the spreadsheet
            continue
        column = known.get(name.casefold())
        if column is None:
            raise BatchInputError(f"{path} : colonne inconnue « {name} » ; colonnes possibles : "
                                  + ", ".join(CSV_COLUMNS))
        if column in columns:
            raise BatchInputError(f"{path} : colonne « {column} » en double")
        columns.append(column)
    items = []
    try:
        for number, cells in enumerate(rows, start=2):
            if not any(c.strip() for c in cells):
                continue
            source, name = f"ligne {number}", f"ligne-{number:05d}"
            extra = [c for c in cells[len(columns):] if c.strip()]
            if extra:
                items.append(Item(source, name, None, f"{len(cells)} cellules pour {len(columns)} colonnes "
                                                      "(séparateur ou guillemets à vérifier)"))
                continue
            items.append(Item(source, name, csv_market(dict(zip(columns, cells)))))
    except csv.Error as exc:
        raise BatchInputError(f"{path} : CSV illisible ligne {rows.line_num} ({exc})") from None
    return items


def csv_market(cells: dict[str | None, str]) -> dict:
    """A market description from one CSV row; empty cells are absent fields.

    French conventions: decimal comma, spaces (also non-breaking) or dots as thousands separators, « € »
    and « % » accepted (« 5 % » is 0.05 for a rate, 5 for a weight), dates as AAAA-MM-JJ or JJ/MM/AAAA,
    and CPV codes whose leading zero the spreadsheet dropped. A cell that cannot be read is passed on
    unchanged, so that validation names the field and what it expects.
    """
    market: dict = {}
    for column, raw in cells.items():
        if column is None or not raw.strip():
            continue
        text = raw.strip()
        if column in _NUMBER:
            value = _number(text)
        elif column in _FRACTION:
            value = _number(text, percent_is_fraction=True)
        elif column in _INTEGER:
            value = _number(text)
            value = int(value) if isinstance(value, float) and value.is_integer() else value
        elif column == "launch_date":
            value = _date(text)
        elif column == "cpv":
            value = "0" + text if re.fullmatch(r"\d{7}(-\d)?", text) else text
        else:
            value = text
        target = market
        *parents, leaf = column.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return market


_DECIMAL = re.compile(r"[+-]?\d+(\.\d+)?")


def _number(text: str, percent_is_fraction: bool = False) -> float | str:
    t = re.sub(r"[\s\u00a0\u202f€]", "", text)
    percent = t.endswith("%")
    t = t.rstrip("%")
    if "," in t:
        t = t.replace(".", "").replace(",", ".")
    elif t.count(".") > 1:
        t = t.replace(".", "")
    if not _DECIMAL.fullmatch(t):
        return text
    value = float(t)
    return value / 100 if percent and percent_is_fraction else value


def _date(text: str) -> str:
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day).isoformat()
        except ValueError:
            return text
    return text


_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def safe_name(stem: str) -> str:
    """A file name stem made only of ASCII letters, digits, « . », « _ » and « - », never hidden.

    Path separators, « .. », accents and spaces cannot survive, so an output never lands outside the
    output folder; names that would be empty or reserved on Windows get a neutral form.
    """
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_text).strip("._-")[:MAX_NAME].rstrip("._-")
    if not name:
        return "marche"
    if name.split(".")[0].casefold() in _RESERVED:
        name = f"marche-{name}"
    return name


def _unique_names(items: list[Item]) -> list[Item]:
    """The first market (in input order) keeps a name; later ones that collide are refused."""
    owners: dict[str, str] = {}
    out = []
    for item in items:
        key = item.name.casefold()  # case-insensitive file systems would merge them
        if key in owners:
            item = Item(item.source, item.name, None,
                        f"nom de sortie « {item.name} » déjà pris par « {owners[key]} » : renommez le fichier")
        else:
            owners[key] = item.source
        out.append(item)
    return out


# --- processing ------------------------------------------------------------------------------------

def output_path(outdir: Path, item: Item, fmt: str) -> Path:
    """Where `item`'s output goes; refuses any name that would leave `outdir`."""
    path = outdir / f"{item.name}.{fmt}"
    if path.parent != outdir or path.name.startswith((".", "_")) or "/" in item.name or "\\" in item.name:
        raise ValueError(f"nom de sortie refusé : {item.name!r}")
    return path


def prepare(options: Options, warm: bool = False) -> None:
    """Load the rules (and the document machinery) once, before markets are processed.

    With `warm`, also compile the rules of every period and prepare every template: done once before
    forking workers, which then share them instead of each redoing it.
    """
    from engine.law.knowledge import knowledge
    from engine.reasoning.compiled import compiled

    kb = knowledge(options.rulesets)
    if options.fmt == "docx":
        from engine.documents import render as documents  # imported once per process, not per market

        if warm:
            documents.preload(options.templates, options.rulesets)
    if warm:
        compiled(kb).compile_all()


def process(item: Item, outdir: Path, options: Options) -> dict:
    """Evaluate one market, write its output unless already there, and return its summary row."""
    from engine.reasoning.evaluate import evaluate
    from engine.market.reading import parse_market, read_market_file

    row = _row(item.source)
    if item.problem:
        return dict(row, status=FAILED, error=item.problem)
    try:
        payload = item.payload
        if isinstance(payload, Path):
            payload = read_market_file(payload)
        decision = evaluate(parse_market(payload, item.source), options.on, rulesets=options.rulesets)
        row.update(mode=decision.mode, allowed=decision.allowed,
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
        return dict(row, status=REFUSED, error=_one_line(str(exc)))
    except NoApplicableVersion as exc:
        return dict(row, status=FAILED, error=exc.located())
    except EngineError as exc:  # InputError, DocumentError, RulesetError…
        return dict(row, status=FAILED, error=_one_line(str(exc)))
    except OSError as exc:
        return dict(row, status=FAILED, error=f"écriture ou lecture impossible : {exc.strerror or exc}")
    except Exception as exc:  # noqa: BLE001 - one bad market never stops the others
        return dict(row, status=FAILED, error=f"erreur interne : {exc.__class__.__name__} : {exc}")


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
    # What is loaded now lives as long as the batch: the garbage collector stops scanning it for each
    # market, and forked workers share its pages instead of copying them as the collector touches them.
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


# --- summary ---------------------------------------------------------------------------------------

def counts(rows: Iterable[dict]) -> dict[str, int]:
    out = {WRITTEN: 0, DONE: 0, REFUSED: 0, FAILED: 0}
    for row in rows:
        out[row["status"]] += 1
    return out


def write_summary(outdir: Path, rows: list[dict], source: Path, fmt: str) -> tuple[Path, Path]:
    """`_resume.json` (rows with obligations in full) and `_resume.csv` (« ; », UTF-8 with BOM, for Excel)."""
    as_json = {"input": str(source), "format": fmt, "counts": counts(rows), "markets": rows}
    json_path, csv_path = outdir / SUMMARY_JSON, outdir / SUMMARY_CSV
    write_atomically(json_path, (json.dumps(as_json, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
                     overwrite=True)
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        allowed = {True: "oui", False: "non", None: ""}[row["allowed"]]
        obligations = "" if row["obligations"] is None else len(row["obligations"])
        writer.writerow([row["source"], row["status"], row["mode"] or "", allowed,
                         "" if row["hours"] is None else row["hours"], obligations, row["output"] or "",
                         row["error"] or ""])
    write_atomically(csv_path, buf.getvalue().encode("utf-8-sig"), overwrite=True)
    return csv_path, json_path
