"""The `clausier` command (entry point declared in pyproject.toml): the commands live in `engine/cli/`.

Exit codes: 0 success; 1 domain refusal (mode not allowed, file exists, ruleset or template error);
2 invalid input (the message names the field and what is expected). Tracebacks only with --debug.
"""

from engine.cli import cli, main

__all__ = ["cli", "main"]

if __name__ == "__main__":
    main()
