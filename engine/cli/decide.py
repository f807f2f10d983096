"""Commands on one market: evaluate, generate, explain, validate, schema."""

from __future__ import annotations

import json
from pathlib import Path

import click

from engine.cli.common import (
    DATE,
    MARKET,
    evaluate_market,
    read_market,
    write_atomically,
)
from engine.cli.errors import InputProblem, Refused, engine_call
from engine.cli.group import cli


@cli.command()
@MARKET
@DATE
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json", show_default=True,
              help="Format de sortie.")
@click.pass_context
def evaluate(ctx, market, date, fmt):
    """Décision : modes admis, obligations, heures, fondements (MARCHE : fichier JSON ou - pour l'entrée standard)."""
    decision = evaluate_market(ctx, market, date, as_json=fmt == "json")
    if fmt == "json":
        click.echo(decision.model_dump_json(indent=2))
    else:
        from engine.reasoning.explain import summary

        click.echo(summary(decision, ctx.obj["rulesets"]))


@cli.command()
@MARKET
@DATE
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fichier .docx à écrire (défaut : nom du marché avec l'extension .docx).")
@click.option("--force", is_flag=True, help="Remplace le fichier de sortie s'il existe.")
@click.option("--templates", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Dossier de modèles de l'organisation.")
@click.option("--no-annex", is_flag=True, help="N'ajoute pas l'annexe de justification.")
@click.option("--no-comments", is_flag=True, help="N'ajoute pas les commentaires Word (règle et article).")
@click.pass_context
def generate(ctx, market, date, output, force, templates, no_annex, no_comments):
    """Écrit la clause Word (.docx) du mode demandé, ou du mode recommandé."""
    from engine.documents.render import render

    if output is None:
        output = Path("clause.docx" if market == "-" else Path(market).with_suffix(".docx").name)
    if output.suffix.lower() != ".docx":
        raise InputProblem(f"{output} : l'extension .docx est attendue pour le fichier de sortie")
    if market != "-" and output.exists() and output.resolve() == Path(market).resolve():
        raise InputProblem(f"{output} : est le fichier du marché lui-même ; choisissez un autre fichier de sortie")
    if output.exists() and not force:
        raise Refused(f"{output} existe déjà : utilisez --force pour le remplacer")
    decision = evaluate_market(ctx, market, date)
    data = engine_call(render, decision, templates, annex=not no_annex, comments=not no_comments,
                        rulesets=ctx.obj["rulesets"])
    write_atomically(output, data, force)
    how = "demandé" if decision.requested_mode else "recommandé"
    click.echo(f"{output} écrit : {decision.mode} ({how}), droit au {decision.launch_date.isoformat()}")


@cli.command()
@MARKET
@DATE
@click.pass_context
def explain(ctx, market, date):
    """Explique en clair chaque règle appliquée, pourquoi, et sur quel article."""
    from engine.reasoning.explain import explain as explain_text

    decision = evaluate_market(ctx, market, date)
    click.echo(explain_text(decision, ctx.obj["rulesets"]))


@cli.command()
@MARKET
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
@click.pass_context
def validate(ctx, market, fmt):
    """Vérifie la description du marché sans appliquer les règles."""
    from engine.market.reading import parse_market

    from engine.law.knowledge import knowledge
    from engine.reasoning.facts import check_cpv

    data, source = read_market(market, fmt == "json")
    parsed = engine_call(parse_market, data, source, as_json=fmt == "json")
    engine_call(lambda: check_cpv(knowledge(ctx.obj["rulesets"]), parsed, source), as_json=fmt == "json")
    if fmt == "json":
        click.echo(json.dumps({"valide": True, "marche": parsed.model_dump(mode="json", exclude_none=True)},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(f"{source} : description du marché valide")


@cli.command()
def schema():
    """Affiche le schéma JSON de la description d'un marché."""
    from engine.market.model import Market

    click.echo(json.dumps(Market.model_json_schema(), ensure_ascii=False, indent=2))
