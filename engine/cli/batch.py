"""The batch command: a whole procurement plan."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import click

from engine.cli.common import DATE, echo_json
from engine.cli.errors import CliError, engine_call, file_error, problem
from engine.cli.group import Choice, cli
from engine.os_messages import os_reason


@cli.command()
@click.argument("source", metavar="ENTREE", type=click.Path(path_type=Path))
@click.option("-o", "--output", "outdir", required=True, type=click.Path(path_type=Path), metavar="DOSSIER",
              help="Dossier où écrire un fichier par marché et le résumé (_resume.csv, _resume.json).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Processus en parallèle (défaut : tous les cœurs).")
@click.option("--format", "fmt", type=Choice(["docx", "json"]), default="docx", show_default=True,
              help="docx : la clause Word de chaque marché ; json : la décision de chaque marché, le résumé en "
                   "JSON sur la sortie standard et les erreurs en JSON sur la sortie d'erreur.")
@click.option("--force", is_flag=True, help="Refait et remplace les fichiers déjà écrits par un traitement précédent.")
@click.option("--quiet", "-q", is_flag=True, help="Pas de barre de progression.")
@DATE
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              metavar="DOSSIER", help="Dossier de modèles de l'organisation.")
@click.option("--require-date", is_flag=True,
              help="Refuse (en erreur) un marché sans « launch_date » au lieu de lui appliquer --date ou la date du jour.")
@click.pass_context
def batch(ctx, source, outdir, jobs, fmt, force, quiet, date, templates, require_date):
    """Traite un plan d'achats : un fichier par marché et un résumé (ENTREE : dossier de .json, .jsonl ou .csv).

    Un modèle de plan en CSV, aux colonnes en français : « clausier batch-template PLAN.csv ».
    Un marché en erreur n'arrête pas les autres ; code 1 si au moins un marché a échoué ou n'est pas admis.
    Relancé, le traitement saute les marchés dont le fichier existe déjà (sauf --force).
    """
    from engine import batch as lots

    items = engine_call(lots.read_input, source, outdir, rulesets=ctx.obj["rulesets"])
    if outdir.exists() and not outdir.is_dir():
        raise file_error("ecriture_impossible", outdir, "n'est pas un dossier", "--output")
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise file_error("ecriture_impossible", outdir, f"création impossible ({os_reason(exc, writing=True)})",
                         "--output") from None
    options = lots.Options(fmt=fmt, force=force, on=date, templates=templates, rulesets=ctx.obj["rulesets"],
                           freeze_heap=True, require_date=require_date)
    quiet = quiet or fmt == "json" or not sys.stderr.isatty()
    bar = contextlib.nullcontext() if quiet else click.progressbar(
        length=len(items), label="Marchés", file=sys.stderr, show_pos=True, show_eta=True)
    with bar:
        rows = engine_call(lots.run, items, outdir, options, jobs, progress=None if quiet else bar.update)
    try:
        csv_path, json_path = lots.write_summary(outdir, rows, source, fmt)
    except OSError as exc:
        raise file_error("ecriture_impossible", outdir, f"résumé impossible à écrire ({os_reason(exc, True)})",
                         "--output") from None
    c = lots.counts(rows)
    if fmt == "json":
        echo_json({"resume": str(json_path), "resume_csv": str(csv_path), "comptes": c, "marches": rows})
    else:
        click.echo(f"{len(rows)} marché(s) : {c[lots.WRITTEN]} écrit(s), {c[lots.DONE]} déjà fait(s), "
                   f"{c[lots.REFUSED]} non admis, {c[lots.FAILED]} en erreur — résumé : {csv_path}")
    failures = [row for row in rows if row["status"] in (lots.REFUSED, lots.FAILED)]
    if failures:
        shown = 20  # a plan of thousands of lines: the summary file has them all
        details = [f"- {_named(row)} : {row['error']}" for row in failures[:shown]]
        if len(failures) > shown:
            details.append(f"- … et {len(failures) - shown} autre(s)")
        found = [problem(row["source"], "mode_non_admis" if row["status"] == lots.REFUSED else "marche_en_erreur",
                         row["error"]) for row in failures]
        raise CliError("marches_sans_document", f"{len(failures)} marché(s) sans document : voir {csv_path}",
                       found, details=details)


def _named(row: dict) -> str:
    """How a person finds the market: its line or file, and its reference or title when it has one."""
    names = [x for x in (row.get("reference"), row.get("title")) if x]
    return f"{row['source']} ({' — '.join(names)})" if names else row["source"]
