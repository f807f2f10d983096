"""Entry point of the `clausier` command: signals and process settings; errors are handled by ClausierGroup.main."""

from __future__ import annotations

import atexit
import gc
import signal

from engine.cli import audit, batch, decide, rules, serve, starter  # noqa: F401 - registers the commands on the group
from engine.cli.group import cli


def _terminate(signum, frame):
    """SIGTERM/SIGHUP: leave like Ctrl-C does, through every `finally` (temporary files are deleted)."""
    raise SystemExit(128 + signum)


def main():
    """Entry point of the `clausier` command (exit codes: engine.errors.ExitCode; 130 Ctrl-C; 128+n signal n)."""
    # The interpreter's last garbage collections over the rules, templates and lxml trees about to vanish
    # anyway cost ≈ 120 ms of every run; the commands close their own files, so the OS can reclaim the rest.
    atexit.register(gc.freeze)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), _terminate)
    cli.main(prog_name="clausier")
