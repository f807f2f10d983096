"""The loaded ruleset: references, parameters, vocabulary, rules and contents, checked together.

`knowledge(root)` loads a `rulesets/` folder once per resolved path. Compiling the rules for durable-rules
is reasoning's business (`engine.reasoning.compiled`); this module only loads and checks data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from engine.errors import RulesetError
from engine.law.contract import (
    EngineNames,
    Wording,
    check_names,
    load_wordings,
    parse_names,
)
from engine.law.cpv import CpvNomenclature, load_code_list, load_nomenclature
from engine.law.parameters import ParameterSet, load_parameters
from engine.law.references import Reference, _first_error, load_references
from engine.law.rules import Rule, check_rules, epoch_bounds, load_rules
from engine.law.vocabulary import (
    FIELDS,
    Vocabulary,
    load_vocabulary,
    vocabulary_references,
)
from engine.law.yamlfile import load_yaml
from engine.resources import rulesets_dir


class _Index(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: str
    description: str
    engine: dict  # checked by engine.law.contract
    cpv_list: str
    required_parameters: tuple[str, ...]


class _Content(BaseModel):
    """A list of wording items the documents reproduce, with its sources."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    references: tuple[str, ...]
    items: tuple[str, ...]


def _load_contents(path: Path, root: Path, references: dict[str, Reference]) -> dict[str, _Content]:
    raw = load_yaml(path, root)
    out = {}
    for name, body in (raw or {}).items():
        try:
            content = _Content.model_validate(body)
        except ValidationError as exc:
            raise RulesetError("contenus.yaml", name, _first_error(exc)) from None
        for ref in content.references:
            if ref not in references:
                raise RulesetError("contenus.yaml", name, f"référence inconnue '{ref}'")
        out[name] = content
    return out


class KnowledgeBase:
    """Everything under one `rulesets/` folder, validated; `epoch(date)` gives the law on that date."""

    def __init__(self, root: Path):
        self.root = root
        index_raw = load_yaml(root / "index.yaml", root)
        try:
            self.index = _Index.model_validate(index_raw)
        except ValidationError as exc:
            raise RulesetError("index.yaml", None, _first_error(exc)) from None
        self.references: dict[str, Reference] = load_references(root / "references.yaml", root)
        self.params: ParameterSet = load_parameters(root / "parameters", root, self.references)
        self.vocabulary: Vocabulary = load_vocabulary(root / "vocabulaire.yaml", root)
        self.rules: list[Rule] = load_rules(root / "rules", root)
        self.contents: dict[str, _Content] = _load_contents(root / "contenus.yaml", root, self.references)
        check_rules(self.rules, self.references, self.params, FIELDS)
        for where, ref in vocabulary_references(self.vocabulary).items():
            if ref not in self.references:
                raise RulesetError("vocabulaire.yaml", where, f"référence inconnue '{ref}'")
        for rule in self.rules:
            for fact in rule.then.faits:
                if fact not in self.vocabulary.faits:
                    raise RulesetError(rule.file, f"règle '{rule.id}'", f"le fait '{fact}' n'a pas de libellé dans vocabulaire.yaml (faits)")
        for name in self.index.required_parameters:
            if name not in self.params:
                raise RulesetError("index.yaml", "required_parameters", f"paramètre inconnu '{name}'")
        self.cpv: CpvNomenclature = load_nomenclature(root / self.index.cpv_list, root)
        # CPV lists named by a dated parameter (unit « fichier »), loaded once and checked against the nomenclature
        self._code_lists: dict[str, frozenset[str]] = {}
        self._segments: dict[str, frozenset[str]] = {}
        for param in self.params:
            if param.unit == "fichier":
                for v in param.values:
                    if v.value is not None:
                        self._code_lists[v.value] = load_code_list(root / v.value, root, self.cpv)
        self.rule_index: dict[str, Rule] = {r.id: r for r in self.rules}
        # every clause block some rule can select (templates may test any of them)
        self.known_blocks: list[str] = sorted({b for r in self.rules for b in r.then.blocs})
        self.wordings: dict[str, Wording] = load_wordings(root / "formulations.yaml", root)
        self.names: EngineNames = parse_names(self.index.engine)
        check_names(self.names, parameters=self.params, segments=self.vocabulary.segments,
                    blocks=self.known_blocks, facts={f for r in self.rules for f in r.then.faits},
                    contents=self.contents, wordings=self.wordings, references=self.references)
        self._check_family_overlaps()
        self.bounds = epoch_bounds(self.rules, self.params)
        self.version = f"{self.index.version}+{self._digest()}"

    @cached_property
    def _coverage(self) -> tuple[dt.date, dt.date | None]:
        return self._span()

    def coverage(self) -> tuple[dt.date, dt.date | None]:
        """The period the rules cover, from the data: every parameter an evaluation needs has a value from the
        latest first value to the day before the earliest end (None: no end). Computed once."""
        return self._coverage

    def _span(self) -> tuple[dt.date, dt.date | None]:
        starts, ends = [], []
        for name in self.engine_parameters():
            values = self.params.get(name).values
            starts.append(min(v.start for v in values if v.value is not None))
            ends += [v.start for v in values if v.value is None]
        return max(starts), (min(ends) - dt.timedelta(days=1)) if ends else None

    def code_list(self, file: str) -> frozenset[str]:
        """The eight-digit codes of a CPV list file named by a parameter value."""
        return self._code_lists[file]

    def segments_of(self, file: str) -> frozenset[str]:
        """The segments (by the vocabulary's CPV mapping) that hold at least one code of a list file."""
        found = self._segments.get(file)
        if found is None:
            found = self._segments[file] = frozenset(self.vocabulary.segment_for_cpv(c) for c in self._code_lists[file])
        return found

    def engine_parameters(self) -> tuple[str, ...]:
        """Parameters every evaluation needs: a launch date where one has no value is refused."""
        p = self.names.parameters
        return (p.sss_codes, p.ess_reservable_codes, p.insertion_codes, p.hours_minimum, p.criterion_weight,
                *self.index.required_parameters)

    def wording(self, role: str, **values) -> str:
        """The engine's sentence declared for `role` (engine.wordings in index.yaml), filled with `values`."""
        return self.wordings[getattr(self.names.wordings, role)].fill(**values)

    def _digest(self) -> str:
        h = hashlib.sha256()
        for path in sorted([*self.root.rglob("*.yaml"), *self.root.rglob("*.csv")]):
            h.update(str(path.relative_to(self.root)).encode())
            h.update(path.read_bytes())
        return h.hexdigest()[:10]

    def _check_family_overlaps(self) -> None:
        for versions in self.families().values():
            versions.sort(key=lambda r: r.valid_from)
            for a, b in zip(versions, versions[1:]):
                if a.valid_until is None or a.valid_until > b.valid_from:
                    raise RulesetError(
                        b.file, f"règle '{b.id}'", f"chevauche la version '{a.id}' de la même famille '{a.family}'"
                    )

    def families(self) -> dict[str, list[Rule]]:
        """Versioned rules grouped by family (a new list each call)."""
        out: dict[str, list[Rule]] = {}
        for r in self.rules:
            if r.family:
                out.setdefault(r.family, []).append(r)
        return out


_CACHE: dict[Path, KnowledgeBase] = {}  # by resolved folder
# By the argument as given, when it names the same folder whatever the working directory (None: the shipped
# rulesets; an absolute path): every evaluation asks, and these answer without touching the file system.
_BY_ARGUMENT: dict = {}
_CACHE_LOCK = threading.Lock()


def knowledge(root: Path | str | None = None) -> KnowledgeBase:
    """The knowledge base of `root` (default: the rulesets shipped with clausier).

    Loaded once per process for each resolved folder and never reloaded: files edited afterwards are read by
    the next process. A relative `root` is resolved at each call, so it follows the working directory.
    """
    kb = _BY_ARGUMENT.get(root)
    if kb is not None:
        return kb
    path = Path(root).resolve() if root else rulesets_dir()
    with _CACHE_LOCK:
        kb = _CACHE.get(path)
        if kb is None:
            if not path.is_dir():
                raise RulesetError(str(path), None, "dossier de règles introuvable")
            kb = KnowledgeBase(path)
            _CACHE[path] = kb
        if root is None or Path(root).is_absolute():
            _BY_ARGUMENT[root] = kb
        return kb
