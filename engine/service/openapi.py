"""The API's OpenAPI 3.1 document, as committed in docs/openapi.json:

    python -m engine.service.openapi > docs/openapi.json
"""

from __future__ import annotations

import json


def document() -> dict:
    from .app import create_app

    return create_app().openapi()


def text() -> str:
    return json.dumps(document(), ensure_ascii=False, indent=2) + "\n"


if __name__ == "__main__":
    print(text(), end="")
