"""The `clausier` command group and its global options."""

from __future__ import annotations

from pathlib import Path

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Affiche la trace Python complète en cas d'erreur.")
@click.option("--rulesets", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Dossier de règles à utiliser à la place des règles fournies (copie modifiée par l'organisation).")
@click.version_option(package_name="clausier", message="clausier %(version)s")
@click.pass_context
def cli(ctx, debug, rulesets):
    """Rédige des clauses sociales d'insertion à partir de la description d'un marché (JSON).

    Les règles appliquées sont celles en vigueur à la date de lancement de la consultation.
    """
    ctx.obj = {"rulesets": rulesets}  # --debug is read by main(), which handles the errors
