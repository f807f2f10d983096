"""What the commands share: reading MARCHE, the --date option, evaluating, writing a file atomically."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from engine.cli.errors import InputProblem, Refused, engine_call


def read_market(source: str, as_json: bool = False) -> tuple[bytes, str]:
    """The raw bytes of MARCHE (a file or `-`), at most the size limit plus one byte (never a whole endless stream)."""
    from engine.errors import FieldProblem, InputError
    from engine.market.reading import MAX_BYTES, read_market_file, safe

    if source == "-":
        return sys.stdin.buffer.read(MAX_BYTES + 1), "entrée standard"
    shown = safe(source, 200)

    def problem(message: str) -> InputProblem:
        payload = InputError([FieldProblem("$", message)], shown).as_dict()
        return InputProblem(f"{shown} : {message}", payload, as_json)

    path = Path(source)
    if path.is_dir():
        raise problem("est un dossier, un fichier JSON est attendu")
    try:
        return read_market_file(path), shown
    except FileNotFoundError:
        raise problem("fichier introuvable") from None
    except PermissionError:
        raise problem("lecture non autorisée") from None
    except OSError as exc:
        raise problem(f"lecture impossible ({exc.strerror or exc})") from None


def iso_date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"date ISO attendue (AAAA-MM-JJ), reçu « {value} »") from None


def evaluate_market(ctx, market: str, date, as_json=False):
    from engine.reasoning.evaluate import evaluate

    data, source = read_market(market, as_json)
    from engine.market.reading import parse_market

    parsed = engine_call(parse_market, data, source, as_json=as_json)
    return engine_call(evaluate, parsed, date, rulesets=ctx.obj["rulesets"], as_json=as_json)


def write_atomically(path: Path, data: bytes, force: bool) -> None:
    """Write the document atomically (engine.files), never over an existing file unless `force`.

    Temporary files left by a killed earlier run in the same folder are removed first.
    """
    from engine.files import remove_stale_parts
    from engine.files import write_atomically as write

    folder = path.parent
    if not folder.is_dir():
        raise Refused(f"{folder} : dossier de sortie introuvable")
    remove_stale_parts(folder)
    try:
        write(path, data, overwrite=force, sync=True)
    except FileExistsError:
        raise Refused(f"{path} existe déjà : utilisez --force pour le remplacer") from None
    except OSError as exc:
        raise Refused(f"{path} : écriture impossible ({exc.strerror or exc})") from exc


MARKET = click.argument("market", metavar="MARCHE")
DATE = click.option("--date", callback=iso_date, metavar="AAAA-MM-JJ",
                    help="Date du droit applicable si le marché n'a pas de « launch_date » (défaut : aujourd'hui).")
