"""The service's settings: read from environment variables, so that every uvicorn worker process (spawned,
not forked) sees the same ones as the `clausier serve` command that set them."""

from __future__ import annotations

import os
from dataclasses import dataclass

MAX_BODY = 1024 * 1024  # 1 MiB: a market description is a few kilobytes, 200 lots a few dozen
ENV_CORS = "CLAUSIER_CORS_ORIGINS"  # space- or comma-separated origins allowed to call the API from a browser


@dataclass(frozen=True)
class Settings:
    cors_origins: tuple[str, ...] = ()  # empty: CORS off (no Access-Control-* header is ever sent)
    max_body: int = MAX_BODY

    @classmethod
    def from_env(cls) -> Settings:
        raw = os.environ.get(ENV_CORS, "")
        origins = tuple(o.rstrip("/") for o in raw.replace(",", " ").split() if o)
        return cls(cors_origins=origins)
