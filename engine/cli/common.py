"""What the commands share: reading MARCHE, the --date, --mode and --format options, evaluating, writing a file."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from engine.cli.errors import engine_call, file_error
from engine.cli.group import Choice
from engine.os_messages import os_reason


def read_market(source: str) -> tuple[bytes, str]:
    """The raw bytes of MARCHE (a file or `-`), at most the size limit plus one byte (never a whole endless stream)."""
    from engine.market.reading import MAX_BYTES, read_market_file, safe

    if source == "-":
        return sys.stdin.buffer.read(MAX_BYTES + 1), "entrée standard"
    shown = safe(source, 200)
    path = Path(source)
    if path.is_dir():
        raise file_error("lecture_impossible", shown, "est un dossier, un fichier JSON est attendu", "MARCHE")
    try:
        return read_market_file(path), shown
    except FileNotFoundError:
        raise file_error("fichier_introuvable", shown, "fichier introuvable", "MARCHE") from None
    except OSError as exc:
        raise file_error("lecture_impossible", shown, f"lecture impossible ({os_reason(exc)})", "MARCHE") from None


def iso_date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"date ISO attendue (AAAA-MM-JJ), reçu « {value} »") from None


def evaluate_market(ctx, market: str, date, mode: str | None = None):
    """Read, validate and evaluate MARCHE; `mode` (--mode) replaces the file's mode."""
    from engine.market.reading import parse_market
    from engine.reasoning.evaluate import evaluate

    data, source = read_market(market)
    parsed = engine_call(parse_market, data, source)
    if mode is not None:
        # validated again, so that the market's own checks (lots, segment) apply to the mode given
        parsed = engine_call(parse_market, dict(parsed.model_dump(mode="json", exclude_none=True), mode=mode), source)
    return engine_call(evaluate, parsed, date, rulesets=ctx.obj["rulesets"])


def write_atomically(path: Path, data: bytes, force: bool, champ: str = "--output") -> None:
    """Write the document atomically (engine.files), never over an existing file unless `force`.

    Temporary files left by a killed earlier run in the same folder are removed first.
    """
    from engine.files import remove_stale_parts
    from engine.files import write_atomically as write

    folder = path.parent
    if not folder.is_dir():
        raise file_error("ecriture_impossible", folder, "dossier de sortie introuvable", champ)
    try:
        remove_stale_parts(folder)
        write(path, data, overwrite=force, sync=True)
    except FileExistsError:
        raise file_error("fichier_existant", path, "existe déjà : utilisez --force pour le remplacer",
                         champ) from None
    except OSError as exc:
        raise file_error("ecriture_impossible", path, f"écriture impossible ({os_reason(exc, writing=True)})",
                         champ) from exc


def echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def format_option(default: str = "text", choices=("json", "text")):
    return click.option("--format", "fmt", type=Choice(list(choices)), default=default, show_default=True,
                        help="json : résultat en JSON (et erreurs en un objet JSON sur la sortie d'erreur) ; "
                             "text : texte à lire.")


MARKET = click.argument("market", metavar="MARCHE")
DATE = click.option("--date", callback=iso_date, metavar="AAAA-MM-JJ",
                    help="Date du droit applicable si le marché n'a pas de « launch_date » (défaut : aujourd'hui).")


def _modes() -> list[str]:
    from typing import get_args

    from engine.market.model import Mode

    return list(get_args(Mode))


MODE = click.option("--mode", type=Choice(_modes()), default=None,
                    help="Mode d'insertion à appliquer à la place du champ « mode » du fichier (les modes "
                         "admis pour le marché et leurs libellés : « clausier evaluate MARCHE --format text »).")
