"""The batch summary: one row per market, `_resume.json` and `_resume.csv` (« ; », UTF-8 with BOM, for Excel)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Iterable

from engine.files import write_atomically

SUMMARY_CSV, SUMMARY_JSON = "_resume.csv", "_resume.json"
COLUMNS = ("source", "reference", "title", "status", "mode", "mode_libelle", "allowed", "hours", "obligations", "output",
           "error")
WRITTEN, DONE, REFUSED, FAILED = "ecrit", "deja_fait", "refuse", "erreur"


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
        writer.writerow([row["source"], row["reference"] or "", row["title"] or "", row["status"], row["mode"] or "",
                         row["mode_libelle"] or "", allowed,
                         "" if row["hours"] is None else row["hours"], obligations, row["output"] or "",
                         row["error"] or ""])
    write_atomically(csv_path, buf.getvalue().encode("utf-8-sig"), overwrite=True)
    return csv_path, json_path
