"""Batch generation over a procurement plan: many markets in, one output per market and a summary out.

The stage after documents: reading the plan (`inputs`, `csv_plan`), naming outputs (`naming`), running
markets in this process or a pool of workers (`runner`), the summary files (`summary`). No click and no
printing: the CLI shows progress through a callback. Legal content stays in `evaluate` and `render`.
"""

from engine.batch.csv_plan import CSV_COLUMNS, csv_market
from engine.batch.inputs import read_input
from engine.batch.items import BatchInputError, Item
from engine.batch.naming import output_path, safe_name
from engine.batch.runner import Options, prepare, process, run
from engine.batch.summary import (
           COLUMNS,
           DONE,
           FAILED,
           REFUSED,
           WRITTEN,
           counts,
           write_summary,
)

__all__ = ["BatchInputError", "COLUMNS", "CSV_COLUMNS", "DONE", "FAILED", "Item", "Options", "REFUSED", "WRITTEN",
           "counts", "csv_market", "output_path", "prepare", "process", "read_input", "run", "safe_name",
           "write_summary"]
