"""Commands on the law and the templates: rules list, rules check, templates check."""

from __future__ import annotations

from pathlib import Path

import click

from engine.cli.common import DATE, echo_json, format_option
from engine.cli.errors import CliError, engine_call, problem
from engine.cli.group import cli


@cli.group()
def rules():
    """Consulter et vérifier les règles."""


@rules.command("list")
@DATE
@format_option()
@click.pass_context
def rules_list(ctx, date, fmt):
    """Liste les règles (toutes, ou celles en vigueur à --date) avec leurs références."""
    from engine.law.knowledge import knowledge

    kb = engine_call(knowledge, ctx.parent.obj["rulesets"])
    selected = [r for r in kb.rules if date is None or r.applies_on(date)]
    if fmt == "json":
        from engine.law.listing import rules_listing

        echo_json(rules_listing(kb, date))
        return
    from engine.fmt import date_fr

    for r in selected:
        until = f" au {date_fr(r.valid_until)}" if r.valid_until else ""
        refs = "; ".join(kb.references[x].cite() + ("" if kb.references[x].verified else " [non vérifié]")
                         for x in r.references)
        click.echo(f"{r.id}\n  {r.label}\n  en vigueur du {date_fr(r.valid_from)}{until} — {refs}")
    click.echo(f"{len(selected)} règle(s)")


@rules.command("check")
@format_option()
@click.pass_context
def rules_check(ctx, fmt):
    """Vérifie les règles : schéma, références, paramètres, couverture des dates (code 4 si invalides)."""
    from engine.reasoning.rules_check import check_all

    problems = engine_call(check_all, ctx.parent.obj["rulesets"])
    if problems:
        raise CliError("regles_invalides", f"{len(problems)} problème(s) dans les règles",
                       [problem(None, "regles_invalides", str(p)) for p in problems],
                       details=[f"- {p}" for p in problems])
    if fmt == "json":
        echo_json({"valide": True})
        return
    click.echo("Règles valides : schéma, références, paramètres et couverture des dates vérifiés.")


@cli.group()
def templates():
    """Vérifier les modèles Word d'une organisation (voir docs/template-context.md)."""


@templates.command("check")
@click.argument("folder", metavar="DOSSIER", type=click.Path(exists=True, file_okay=False, path_type=Path))
@format_option()
@click.pass_context
def templates_check(ctx, folder, fmt):
    """Signale les variables non fournies par le contexte et les blocs requis absents des modèles de DOSSIER.

    Code 4 si un modèle est à corriger.
    """
    from engine.documents.templates_check import check_templates

    results = engine_call(check_templates, folder, ctx.parent.obj["rulesets"])
    count = sum(len(problems) for problems in results.values())
    if fmt == "json":
        found = [problem(name, "modeles_invalides", p.message) for name, problems in results.items() for p in problems]
        if count:
            raise CliError("modeles_invalides", f"{count} problème(s) dans les modèles de {folder}", found)
        echo_json({"valide": True, "modeles": sorted(results)})
        return
    for name, problems in results.items():
        click.echo(f"{name} : {'à corriger' if problems else 'conforme'}")
        for p in problems:
            click.echo(f"  - {p.message}")
    if count:
        raise CliError("modeles_invalides", f"{count} problème(s) dans les modèles de {folder}")
