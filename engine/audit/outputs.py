"""contrats.csv (`;`, UTF-8 with BOM for Excel), synthese.json and rapport.html, written into a temporary
folder inside OUTDIR and moved into place only when the run is complete (nothing partial is left behind).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
from pathlib import Path

from .contract import COLUMNS

OUTPUTS = ("contrats.csv", "synthese.json", "rapport.html")


class OutputError(Exception):
    """OUTDIR cannot be used or written (French message)."""


def prepare_outdir(outdir: Path, force: bool) -> Path:
    """Check OUTDIR (absent, empty, or --force) and create the temporary folder the outputs are written into."""
    try:
        if outdir.exists():
            if not outdir.is_dir():
                raise OutputError(f"{outdir} : existe et n'est pas un dossier")
            if any(outdir.iterdir()) and not force:
                raise OutputError(f"{outdir} : le dossier n'est pas vide (--force pour remplacer les résultats)")
        outdir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".audit-", dir=outdir))
    except OSError as exc:
        raise OutputError(f"{outdir} : écriture impossible ({exc.strerror or exc})") from None


class RowWriter:
    """Streams rows into the temporary CSV; `finish` sets the duplicate flag of kept rows in a second pass."""

    def __init__(self, tmpdir: Path):
        self.path = tmpdir / "contrats.partial.csv"
        self._f = open(self.path, "w", encoding="utf-8", newline="")
        self._w = csv.writer(self._f, delimiter=";", lineterminator="\r\n")
        self._w.writerow(COLUMNS)

    def write(self, cells: list[str]) -> None:
        self._w.writerow(cells)

    def finish(self, duplicated: set, key) -> Path:
        """Copy into contrats.csv (with BOM), marking `doublon` on rows whose key was seen again later."""
        self._f.close()
        final = self.path.with_name("contrats.csv")
        i_id, i_buyer, i_dup = COLUMNS.index("id"), COLUMNS.index("acheteur_id"), COLUMNS.index("doublon")
        with open(self.path, encoding="utf-8", newline="") as src, \
                open(final, "w", encoding="utf-8-sig", newline="") as dst:
            reader, writer = csv.reader(src, delimiter=";"), csv.writer(dst, delimiter=";", lineterminator="\r\n")
            writer.writerow(next(reader))
            for cells in reader:
                if duplicated and key(cells[i_buyer], cells[i_id]) in duplicated:
                    cells[i_dup] = "oui"
                writer.writerow(cells)
        self.path.unlink()
        return final

    def close(self) -> None:
        self._f.close()


def write_json(tmpdir: Path, data: dict) -> None:
    with open(tmpdir / "synthese.json", "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2, default=str)
        f.write("\n")


def write_text(tmpdir: Path, name: str, text: str) -> None:
    (tmpdir / name).write_text(text, encoding="utf-8")


def commit(tmpdir: Path, outdir: Path) -> list[Path]:
    """Move the finished outputs into OUTDIR (replacing older ones) and remove the temporary folder."""
    try:
        done = []
        for name in OUTPUTS:
            target = outdir / name
            os.replace(tmpdir / name, target)
            done.append(target)
        return done
    except OSError as exc:
        raise OutputError(f"{outdir} : écriture impossible ({exc.strerror or exc})") from None
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def discard(tmpdir: Path) -> None:
    shutil.rmtree(tmpdir, ignore_errors=True)
