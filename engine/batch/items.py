"""One market of a batch, and the error for an input that cannot be read as a whole."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from engine.errors import EngineError
from engine.os_messages import os_reason


class BatchInputError(EngineError):
    """The batch input as a whole cannot be read (missing, unknown kind, bad CSV header).

    `code` (engine.errors.ERROR_CODES): « plan_invalide », « fichier_introuvable » or « lecture_impossible ».
    """

    def __init__(self, message: str, code: str = "plan_invalide"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Item:
    """One market of a batch: how the user finds it, its output name, and what to read."""

    source: str                 # "marche.json", "ligne 12" (JSON Lines), "ligne 5" (CSV, header = line 1)
    name: str                   # output file name without extension, safe and unique in the batch
    payload: object             # Path (file of a folder), str (JSON line) or dict (CSV row)
    problem: str | None = None  # found while reading: reported without evaluating


def read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BatchInputError(f"{path} : lecture impossible ({os_reason(exc)})", "lecture_impossible") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel's « CSV (séparateur : point-virgule) » is written in Windows-1252
        return raw.decode("cp1252", errors="replace")
