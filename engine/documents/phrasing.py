"""How references and phrases read inside a clause: « de » / « à » with French contractions, lists joined
with « et », articles of the same code grouped (« les articles L2113-13 et R2113-7 du code de la commande
publique »)."""

from __future__ import annotations

from engine.law.references import CODE_NAMES


def blank(what: str) -> str:
    """A text the drafter completes: highlighted in yellow after rendering."""
    return f"[à compléter : {what}]"


def with_prep(prep: str, phrase: str) -> str:
    """« de » / « à » before a phrase, with the French contractions (du, des, au, aux)."""
    contracted = {"de": {"le ": "du ", "les ": "des "}, "à": {"le ": "au ", "les ": "aux "}}[prep]
    for article, merged in contracted.items():
        if phrase.startswith(article):
            return merged + phrase[len(article):]
    return f"{prep} {phrase}"


def join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " et " + items[-1]


def reference_phrases(refs) -> list[str]:
    """References as they read in a clause; articles of the same code are grouped
    (« les articles L2113-13 et R2113-7 du code de la commande publique »)."""
    groups: dict[str, list[str]] = {}
    items: list[tuple[str, str]] = []  # ("phrase", text) or ("code", code)
    for r in refs:
        if r.phrase_ or r.code not in CODE_NAMES or not r.article or r.article.lower().startswith("annexe"):
            items.append(("phrase", r.phrase()))
            continue
        if r.code not in groups:
            groups[r.code] = []
            items.append(("code", r.code))
        head = r.article.split(" (")[0]
        if head not in groups[r.code]:
            groups[r.code].append(head)
    out = []
    for kind, value in items:
        if kind == "phrase":
            out.append(value)
        elif len(groups[value]) == 1:
            out.append(f"l'article {groups[value][0]} {CODE_NAMES[value]}")
        else:
            out.append(f"les articles {join(groups[value])} {CODE_NAMES[value]}")
    return list(dict.fromkeys(out))


def basis_forms(refs) -> dict[str, str]:
    phrases = reference_phrases(refs)
    if not phrases:
        return {"nu": "", "de": "", "a": ""}
    return {"nu": join(phrases), "de": join([with_prep("de", p) for p in phrases]),
            "a": join([with_prep("à", p) for p in phrases])}
