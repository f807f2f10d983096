"""Rendering the same Word templates many times without redoing the template work each time.

docxtpl re-patches the template XML with regular expressions and re-compiles it with Jinja on every
render (TECH-NOTES §2.3: the compile alone is ≈ 60 % of a render). Both steps depend only on the
template, never on the context: here they are done once per process and reused. What a document says
is unchanged (same patched XML, same compiled Jinja, same context); only the repeated work goes.
"""

from __future__ import annotations

import threading
from typing import Callable

import jinja2
from docxtpl import DocxTemplate

_MAX_ENTRIES = 256  # a few templates × (body, headers, footers, properties): far below this
_LOCK = threading.Lock()


def _remember(cache: dict, key, make):
    value = cache.get(key)
    if value is None:
        value = make()
        with _LOCK:
            if len(cache) >= _MAX_ENTRIES:  # organisation templates could be many: stay bounded
                cache.pop(next(iter(cache)))
            cache[key] = value
    return value


class CachingEnvironment(jinja2.Environment):
    """A Jinja environment whose `from_string` compiles each distinct source once."""

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's signature
        if globals or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self.__dict__.setdefault("_clausier_compiled", {})
        return _remember(compiled, source, lambda: super(CachingEnvironment, self).from_string(source))


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


_PATCHED: dict[str, str] = {}


class CachedDocxTemplate(DocxTemplate):
    """A DocxTemplate whose XML clean-up (`patch_xml`, pure regular expressions) runs once per source."""

    def patch_xml(self, src_xml):
        return _remember(_PATCHED, src_xml, lambda: DocxTemplate.patch_xml(self, src_xml))
