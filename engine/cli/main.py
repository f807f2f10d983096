"""Entry point of the `clausier` command: signals, exit codes, tracebacks only with --debug."""

from __future__ import annotations

import atexit
import gc
import os
import signal
import sys
import traceback

import click

from engine.cli import batch, decide, rules  # noqa: F401 - registers the commands on the group
from engine.cli.errors import EXIT_INPUT, EXIT_REFUSED, show_usage_error
from engine.cli.group import cli


def _terminate(signum, frame):
    """SIGTERM/SIGHUP: leave like Ctrl-C does, through every `finally` (temporary files are deleted)."""
    raise SystemExit(128 + signum)


def main():
    """Entry point of the `clausier` command.

    Exit codes: 0, 1 (refusal or internal error), 2 (invalid input or usage), 130 (Ctrl-C), 128+n (signal n).
    Tracebacks only with --debug (the exit code stays the same).
    """
    debug = "--debug" in sys.argv[1:]
    # The interpreter's last garbage collections over the rules, templates and lxml trees about to vanish
    # anyway cost ≈ 120 ms of every run; the commands close their own files, so the OS can reclaim the rest.
    atexit.register(gc.freeze)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminate)
    try:
        cli.main(standalone_mode=False, prog_name="clausier")
    except click.UsageError as exc:
        show_usage_error(exc)
        sys.exit(EXIT_INPUT)
    except click.ClickException as exc:
        if debug and exc.__cause__ is not None:
            traceback.print_exception(exc.__cause__)
        exc.show()
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("Interrompu.", err=True)
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except BrokenPipeError:  # `clausier evaluate x | head`: the reader left, nothing to report
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_REFUSED)
    except Exception as exc:  # noqa: BLE001 - last resort: no traceback for users unless --debug
        if debug:
            raise
        from engine.market.reading import safe

        click.echo(f"Erreur interne : {exc.__class__.__name__} : {safe(str(exc), 500)} "
                   "(relancez avec --debug pour le détail)", err=True)
        sys.exit(EXIT_REFUSED)
    sys.exit(0)
