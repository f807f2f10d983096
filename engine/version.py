"""clausier's version (from the installed distribution's metadata) and the versions of its JSON contracts."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def _installed_version() -> str:
    try:
        return version("clausier")
    except PackageNotFoundError:  # a checkout used without installing it
        return "0+inconnue"


__version__ = _installed_version()

# Versions of the JSON contracts (`clausier schema`, `clausier schema --decision`): the major number changes
# when a field is removed or changes meaning, the minor number when a field is added.
MARKET_SCHEMA_VERSION = "1.0"
DECISION_SCHEMA_VERSION = "1.0"
