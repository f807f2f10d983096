"""Compiling template parts with Jinja once per process, and once across processes.

docxtpl re-compiles the template XML with Jinja on every render (TECH-NOTES §2.3: the compile alone is
≈ 60 % of a render). `prepared.PreparedTemplate` compiles each part once per process through the
environment made here, which also keeps the compiled code in Jinja's per-user bytecode cache so that the
next process (a cold `clausier generate`) skips the compile.
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Callable

import jinja2

_LOCK = threading.Lock()


class CachingEnvironment(jinja2.Environment):
    """A Jinja environment whose `from_string` reuses the code another process compiled for a source.

    Compiled templates are kept for the process by `_docx_template.PreparedTemplate`, not here.
    """

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's signature
        if globals or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        return self._load(source)

    def _load(self, source: str) -> jinja2.Template:
        """Compile `source`, reusing the Python code a previous process compiled for it (cold starts).

        Jinja's own bytecode cache (a private per-user folder, files written atomically, keyed by the
        source and by Python and Jinja versions) holds the compiled code; the key also names this
        environment's settings, which compilation depends on. Any problem with it: compile as usual.
        """
        cache = _bytecode_cache()
        if cache is None:
            return super().from_string(source)
        try:
            name = f"{_settings_key(self)}-{hashlib.sha256(source.encode()).hexdigest()[:32]}"  # one file per part
            bucket = cache.get_bucket(self, name, None, source)
            if bucket.code is None:
                bucket.code = self.compile(source)
                cache.set_bucket(bucket)
            return self.template_class.from_code(self, bucket.code, self.make_globals(None))
        except (OSError, RuntimeError, EOFError, ValueError, TypeError):
            return super().from_string(source)


def _settings_key(env: jinja2.Environment) -> str:
    settings = (repr(env.autoescape), getattr(env.finalize, "__qualname__", None), sorted(env.filters),
                sorted(env.tests), env.block_start_string,
                env.variable_start_string, env.comment_start_string, env.trim_blocks, env.lstrip_blocks,
                env.keep_trailing_newline, sorted(str(e) for e in env.extensions))
    return "clausier-docx-" + hashlib.sha256(repr(settings).encode()).hexdigest()[:16]


_BYTECODE: list = []


def _bytecode_cache():
    """Jinja's file bytecode cache, or None when disabled (CLAUSIER_JINJA_CACHE=0) or unusable."""
    if not _BYTECODE:
        cache = None
        if os.environ.get("CLAUSIER_JINJA_CACHE", "1") != "0":
            try:
                cache = jinja2.FileSystemBytecodeCache(pattern="clausier-%s.cache")
            except (OSError, RuntimeError):
                cache = None
        _BYTECODE.append(cache)
    return _BYTECODE[0]


_ENVS: dict[Callable[[], jinja2.Environment], jinja2.Environment] = {}


def shared_env(factory: Callable[[], jinja2.Environment]) -> jinja2.Environment:
    """The environment `factory()` builds, made once per process and caching its compiled templates."""
    env = _ENVS.get(factory)
    if env is None:
        env = factory()
        env.__class__ = CachingEnvironment  # same configuration and filters, plus the compile cache
        with _LOCK:
            env = _ENVS.setdefault(factory, env)
    return env
