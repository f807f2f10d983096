"""The `clausier` command (entry point declared in pyproject.toml): the commands live in `engine/cli/`.

Exit codes (engine.errors.ExitCode, documented in README and `clausier --help`): 0 done; 1 refused; 2 invalid
input or usage; 3 file problem; 4 invalid rules or templates; 5 internal error. Tracebacks only with --debug.
"""

import sys

try:
    from engine.cli import cli, main
except ImportError as _exc:  # an incomplete installation: clausier's own error handling cannot load
    _PROBLEM = _exc  # `_exc` itself is unbound when the except block ends
    _MISSING = getattr(_exc, "name", None) or "durable_rules_engine"
    _DEFINE = 'CPPFLAGS="-DPyEval_CallObject=PyObject_CallObject" ' if sys.version_info >= (3, 13) else ""
    _ADVICE = (
        f"installation incomplète de clausier : le module « {_MISSING} » ne se charge pas dans Python "
        f"{sys.version_info.major}.{sys.version_info.minor}. Installez un compilateur C et les en-têtes de "
        f"Python (paquet python3-dev), puis : {_DEFINE}pip install --force-reinstall --no-cache-dir "
        "durable-rules==2.0.28 ; relancez ensuite la commande (avec --debug pour le détail)."
    )
    cli = None

    def main():
        if "--debug" in sys.argv[1:]:
            raise _PROBLEM
        args = sys.argv[1:]
        if "--format=json" in args or any(a == "--format" and b == "json" for a, b in zip(args, args[1:])):
            import json

            problem = {"champ": None, "code": "installation_incomplete", "message": _ADVICE}
            print(json.dumps({"code": "installation_incomplete", "erreur": "installation_incomplete",
                              "message": _ADVICE, "code_sortie": 5, "problemes": [problem]},
                             ensure_ascii=False, indent=2), file=sys.stderr)
        else:
            print(f"Erreur : {_ADVICE}", file=sys.stderr)
        sys.exit(5)  # ExitCode.INTERNAL (engine.errors cannot be imported without the package)

__all__ = ["cli", "main"]

if __name__ == "__main__":
    main()
