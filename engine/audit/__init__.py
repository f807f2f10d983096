"""clausier audit: how much insertion the published contracts (DECP) carry, and where the law was missed.

    audit(inputs, outdir, on=None, jobs=None, buyers=None, force=False, progress=None) -> dict (synthese.json)

Modules: readers (format sniffing, streaming JSON/CSV), quirks and records (cleaning one record), buyers (buyer
type inference), mapping (record -> market description), verdict (engine.assess -> verdict), contract (one
output row), runner (dedup and parallel evaluation), summary (aggregates), outputs (files), report and charts
(rapport.html).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from engine.law.knowledge import knowledge
from engine.reasoning.assessment import parameter, prepare

from . import outputs, readers, report, runner
from .buyers import BuyersFileError, load_buyers
from .mapping import lag_parameter
from .outputs import OutputError


class AuditInputError(Exception):
    """An input file cannot be read at all, or an option is invalid (French message)."""


def audit(inputs: list[Path], outdir: Path, *, on: dt.date | None = None, jobs: int | None = None,
          buyers: Path | None = None, force: bool = False, progress=None, today: dt.date | None = None,
          rulesets: Path | None = None) -> dict:
    """Audit DECP files into OUTDIR (contrats.csv, synthese.json, rapport.html); returns the synthesis."""
    inputs = [Path(p) for p in inputs]
    for path in inputs:
        if path.is_dir():
            raise AuditInputError(f"{path} : est un dossier ; donnez les fichiers DECP eux-mêmes")
        if not path.is_file():
            raise AuditInputError(f"{path} : fichier introuvable")
        try:
            readers.sniff(path)
        except readers.UnreadableFile as exc:
            raise AuditInputError(str(exc)) from None
    known = {}
    if buyers is not None:
        try:
            known = load_buyers(Path(buyers))
        except BuyersFileError as exc:
            raise AuditInputError(str(exc)) from None
    options = runner.Options(on=on, jobs=jobs, known_buyers=known, today=today or dt.date.today(),
                             rulesets=rulesets)
    tmpdir = outputs.prepare_outdir(Path(outdir), force)
    try:
        summary, _dups = runner.run(inputs, tmpdir, options, progress)
        meta = {
            "outil": "clausier audit",
            "version_regles": prepare(rulesets),
            "date_execution": options.today.isoformat(),
            "options": {"date": on.isoformat() if on else None, "jobs": jobs or os.cpu_count(),
                        "fichier_acheteurs": str(buyers) if buyers else None,
                        "fichiers": [str(p) for p in inputs]},
            "delais_lancement_mois": _lags(options.today, rulesets),
        }
        data = summary.as_dict(meta)
        outputs.write_json(tmpdir, data)
        outputs.write_text(tmpdir, "rapport.html", report.render(data))
        outputs.commit(tmpdir, Path(outdir))
    except OSError as exc:
        outputs.discard(tmpdir)
        raise OutputError(f"{outdir} : écriture impossible ({exc.strerror or exc})") from None
    except BaseException:
        outputs.discard(tmpdir)
        raise
    return data


def _lags(on: dt.date, rulesets) -> dict:
    """Every practice lag the rulesets hold (one per procedure of the declared family), by procedure."""
    family = lag_parameter("", rulesets)
    out = {}
    for param in knowledge(rulesets).params:
        if param.name.startswith(family):
            value, nature, verified = parameter(param.name, on, rulesets=rulesets)
            out[param.name[len(family):]] = {"mois": value, "nature": nature, "verifie": verified}
    return out


__all__ = ["AuditInputError", "OutputError", "audit"]
