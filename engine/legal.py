"""Legal references: the catalogue in `rulesets/references.yaml`, one entry per article or source.

Rules and parameters cite references by id; this module owns their shape and how they print.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ._yaml import load_yaml
from .errors import RulesetError


class Reference(BaseModel):
    """One legal or practice source. `verified: false` means LEGAL-NOTES marks it UNVERIFIED."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    code: str  # "CCP", "C. trav.", "Loi", "Jurisprudence", "Guide", "Pratique"…
    article: str | None = None
    title: str
    url: str | None = None
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
        codes = {"CCP": "du code de la commande publique", "C. trav.": "du code du travail", "Code civil": "du code civil"}
        if self.article and self.code in codes:
            head = self.article.split(" (")[0]
            word = "l'annexe" if head.lower().startswith("annexe") else "l'article"
            head = head[len("annexe"):].strip() if word == "l'annexe" else head
            return f"{word} {head} {codes[self.code]}"
        if self.article:
            return f"{self.code} {self.article}"
        return self.title

    @property
    def binding(self) -> bool:
        """A legal text (code, law, decree, CCAG), as opposed to a guide or practice."""
        return self.code not in ("Guide", "Pratique", "Jurisprudence", "Principe", "Service public")

    def public_dict(self) -> dict:
        return {
            "code": self.code,
            "article": self.article,
            "title": self.title,
            "url": self.url,
            "verified": self.verified,
        }


_CODES = ("CCP", "C. trav.", "Code civil")


def cite(code: str, article: str | None, title: str) -> str:
    """« CCP, art. L2112-2 », « CCP, annexe 2 », « Loi n° … », « Jurisprudence : CE, … »."""
    if not article:
        return title
    if code in _CODES:
        if article.lower().startswith("annexe"):
            return f"{code}, {article[0].lower()}{article[1:]}"
        return f"{code}, art. {article}"
    if code in ("Loi", "Décret"):
        return f"{code} {article}"
    return f"{code} : {article}"


def cite_dict(ref: dict) -> str:
    """The same citation from a reference's public form (`{code, article, title, …}`)."""
    return cite(ref["code"], ref["article"], ref["title"])


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    code: str
    phrase: str | None = None
    article: str | None = None
    title: str
    url: str | None = None
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
    err = exc.errors()[0]
    loc = ".".join(str(x) for x in err["loc"])
    return f"{loc} : {err['msg']}" if loc else err["msg"]
