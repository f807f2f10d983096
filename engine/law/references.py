"""Legal references: the catalogue in `rulesets/references.yaml`, one entry per article or source.

Rules and parameters cite references by id; this module owns their shape and how they print.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.errors import RulesetError, schema_location
from engine.law.yamlfile import load_yaml


class Reference(BaseModel):
    """One legal or practice source. `verified: false` means LEGAL-NOTES marks it UNVERIFIED."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    code: str  # "CCP", "C. trav.", "Loi", "Jurisprudence", "Guide", "Pratique"…
    article: str | None = None
    title: str
    url: str | None = None  # the link a legal team follows (Légifrance when the text is known there)
    source: str | None = None  # the page where the fact was read, when it is not `url`
    verified: bool
    note: str | None = None
    phrase_: str | None = Field(default=None, alias="phrase")

    def cite(self) -> str:
        """Short French citation, e.g. « CCP, art. L2112-2 »."""
        return cite(self.code, self.article, self.title)

    def phrase(self) -> str:
        """The reference as it reads inside a clause: « l'article L2112-2 du code de la commande publique »."""
        if self.phrase_:
            return self.phrase_
        if self.article and self.code in CODE_NAMES:
            head = self.article.split(" (")[0]
            word = "l'annexe" if head.lower().startswith("annexe") else "l'article"
            head = head[len("annexe"):].strip() if word == "l'annexe" else head
            return f"{word} {head} {CODE_NAMES[self.code]}"
        if self.article:
            return f"{self.code} {self.article}"
        return self.title

    @property
    def binding(self) -> bool:
        """A legal text (code, law, decree, CCAG), as opposed to a guide or practice."""
        return self.code not in ("Guide", "Pratique", "Jurisprudence", "Principe", "Service public")

    def public_dict(self) -> dict:
        """The reference as a decision shows it (a new dict each call, built once per reference)."""
        return dict(self._public)

    @cached_property
    def _public(self) -> dict:
        return {
            "code": self.code,
            "article": self.article,
            "title": self.title,
            "url": self.url,
            "url_kind": self.url_kind,
            "source": self.source or self.url,
            "verified": self.verified,
        }

    @property
    def url_kind(self) -> str | None:
        """What `url` is: « legifrance » (the official text, a code or an article), or « source » (the page
        where the fact was read: a secondary source, never to be taken for the official text)."""
        if not self.url:
            return None
        return "legifrance" if self.url.startswith(LEGIFRANCE) else "source"


LEGIFRANCE = "https://www.legifrance.gouv.fr/"

# The codes cited article by article, and how a clause names them (« l'article L2112-2 du code … »).
CODE_NAMES = {"CCP": "du code de la commande publique", "C. trav.": "du code du travail", "Code civil": "du code civil"}


def cite(code: str, article: str | None, title: str) -> str:
    """« CCP, art. L2112-2 », « CCP, annexe 2 », « Loi n° … », « Jurisprudence : CE, … »."""
    if not article:
        return title if code in title else f"{code} : {title}"
    if code in CODE_NAMES:
        if article.lower().startswith("annexe"):
            return f"{code}, {article[0].lower()}{article[1:]}"
        return f"{code}, art. {article}"
    if code in ("Loi", "Décret"):
        return f"{code} {article}"
    return f"{code} : {article}"


def cite_dict(ref: dict) -> str:
    """The same citation from a reference's public form (`{code, article, title, …}`)."""
    return cite(ref["code"], ref["article"], ref["title"])


def cite_all(refs: list[dict], flag: str = " (non vérifié)") -> str:
    """Citations of public-form references, « ; »-separated, each unverified one followed by `flag`."""
    return " ; ".join(cite_dict(r) + ("" if r["verified"] else flag) for r in refs)


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    code: str
    phrase: str | None = None
    article: str | None = None
    title: str
    url: str | None = None
    source: str | None = None
    verified: bool
    note: str | None = None


def load_references(path: Path, root: Path) -> dict[str, Reference]:
    """Load and validate the reference catalogue."""
    raw = load_yaml(path, root)
    shown = str(path.relative_to(root))
    if not isinstance(raw, dict):
        raise RulesetError(shown, None, "le catalogue doit être un dictionnaire id → référence")
    refs: dict[str, Reference] = {}
    for ref_id, body in raw.items():
        try:
            entry = _Entry.model_validate(body)
            refs[ref_id] = Reference(id=ref_id, **entry.model_dump())
        except ValidationError as exc:
            raise RulesetError(shown, f"référence '{ref_id}'", _first_error(exc)) from None
    return refs


def _first_error(exc: ValidationError) -> str:
    """The first schema problem of a rulesets file, in French, with the path of the key at fault."""
    err = exc.errors(include_url=False)[0]
    loc = ".".join(str(x) for x in schema_location(err["loc"]))
    msg = _french(err)
    return f"{loc} : {msg}" if loc else msg


def _french(err: dict) -> str:
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    shown = repr(value)[:60]
    if kind == "extra_forbidden":
        return "clé inconnue (faute de frappe ?)"
    if kind == "missing":
        return "clé obligatoire manquante"
    if kind == "literal_error":
        return f"valeur {shown} invalide ; valeurs possibles : {str(ctx.get('expected', '')).replace(' or ', ', ')}"
    if kind == "string_pattern_mismatch":
        return f"format invalide {shown} (attendu : {ctx.get('pattern')}, identifiant snake_case ASCII)"
    if kind.startswith(("date", "datetime")):
        return f"date AAAA-MM-JJ attendue (reçu : {shown})"
    if kind in ("list_type", "tuple_type", "set_type"):
        return f"liste attendue, par exemple [a, b] (reçu : {shown})"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"dictionnaire attendu (reçu : {shown})"
    if kind == "string_type":
        return f"texte attendu (reçu : {shown})"
    if kind in ("int_type", "int_parsing", "float_type", "float_parsing", "int_from_float"):
        return f"nombre attendu (reçu : {shown})"
    if kind in ("bool_type", "bool_parsing"):
        return f"true ou false attendu (reçu : {shown})"
    if kind in ("too_short", "too_long"):
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        return f"{'au moins' if kind == 'too_short' else 'au plus'} {bound} élément(s) attendu(s)"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        return f"valeur hors limites (reçu : {shown}) : {err['msg']}"
    if kind == "value_error":
        return str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
    return err["msg"]
