"""Terms of a clause that depend on the kind of contract and the purchase, read from the vocabulary
(`rulesets/vocabulaire.yaml`) and the reference catalogue: the CCAG preselected from the segment, the article
an insertion criterion rests on, the perimeter of the hours, and the reviewer's notes (comments, annex) on
the sections whose wording comes from `contenus.yaml` rather than from a rule.
"""

from __future__ import annotations

from engine.documents.phrasing import join, with_prep
from engine.law.knowledge import KnowledgeBase
from engine.law.references import cite_all
from engine.reasoning.decision import Decision


def _ccag_entry(decision: Decision, kb: KnowledgeBase):
    voc = kb.vocabulary
    return voc.ccag[voc.ccag_for(decision.segment)]


def ccag_context(decision: Decision, kb: KnowledgeBase) -> dict:
    """The CCAG a purchase of the market's segment refers to (practice), with the articles the clause cites."""
    entry = _ccag_entry(decision, kb)
    insertion = kb.references[entry.insertion].phrase()
    contradictory = kb.references[entry.contradictoire].phrase()
    return {"nom": entry.libelle, "intitule": entry.intitule, "insertion": insertion,
            "contradictoire": contradictory, "contradictoire_a": with_prep("à", contradictory)}


def ccag_notes(decision: Decision, kb: KnowledgeBase) -> list[str]:
    """What the reviewer checks about the CCAG the clause names: how it was chosen, unverified articles."""
    entry = _ccag_entry(decision, kb)
    voc = kb.vocabulary
    notes = [f"CCAG présélectionné d'après le secteur « {voc.segments[decision.segment].libelle} » "
             f"({kb.references[kb.names.references.ccag_choice].cite()}) : "
             f"{entry.libelle} ; à confirmer ou à remplacer dans la clause par le CCAG auquel le marché se réfère."]
    for ref_id in (entry.insertion, entry.contradictoire):
        ref = kb.references[ref_id]
        if not ref.verified:
            notes.append(f"Référence non vérifiée : {ref.cite()} — {ref.title}" + (f" ({ref.note})" if ref.note else ""))
    return notes


def criterion_article(decision: Decision, kb: KnowledgeBase) -> str:
    """The article an insertion award criterion rests on for this kind of contract (R2152-7, R3124-4…)."""
    entry = kb.vocabulary.contrats[decision.market["contract_type"]]
    return kb.references[entry.article_critere].phrase()


def perimeter(decision: Decision, kb: KnowledgeBase) -> str:
    """What the hours commitment covers: the whole contract, or the lots whose clause has hours."""
    designation = kb.vocabulary.contrats[decision.market["contract_type"]].designation
    hours_block = kb.names.blocks.hours
    with_hours = [lot.number for lot in decision.lots if hours_block in lot.blocks]
    if not decision.lots or len(with_hours) == len(decision.lots):
        return f"l'ensemble des prestations du {designation}" + (", tous lots confondus" if decision.lots else "")
    if not with_hours:
        return f"les prestations du {designation}"
    return ("le lot n° " if len(with_hours) == 1 else "les lots n° ") + join(with_hours) + f" du {designation}"


def lot_notes(decision: Decision) -> list[str]:
    """The recommendations the rules made lot by lot (a small lot may use the adapted procedure…), for the
    reviewer: in the annex and the comment on the hours."""
    return list(dict.fromkeys(f"Lot n° {lot.number} : {r.text}" for lot in decision.lots for r in lot.recommendations))


def content_comments(kb: KnowledgeBase) -> dict[str, str]:
    """For each content list of contenus.yaml, the Word comment of a section headed by its marker
    (⟦decompte_heures⟧…): the sources of its wording, unverified ones flagged."""
    out = {}
    for name, content in kb.contents.items():
        refs = [kb.references[r] for r in content.references]
        out[name] = (f"Sources de la rédaction : {cite_all([r.public_dict() for r in refs], ' (POINT NON VÉRIFIÉ)')}. "
                     + " ".join(f"{r.title}." for r in refs if r.code == "Pratique" and not r.verified))
    return out


def content_unverified(kb: KnowledgeBase, names: list[str]) -> list[str]:
    """Unverified sources of the content lists `names` the clause reproduces, for the annex."""
    out = []
    for name in names:
        for r in (kb.references[i] for i in kb.contents[name].references):
            if not r.verified:
                out.append(f"Rédaction de pratique non vérifiée ({name}) : {r.cite()} — {r.title}")
    return list(dict.fromkeys(out))


def review_notes(decision: Decision, kb: KnowledgeBase) -> tuple[list[str], list[str], list]:
    """(warnings, unverified points, references) the annex adds for the terms above: the CCAG chosen and its
    articles, the practice wording of the counting rules and of personal data when the clause has hours."""
    blocks = set(decision.blocks)
    warnings, unverified, refs = [], [], []
    if kb.names.blocks.ccag in blocks:
        notes = ccag_notes(decision, kb)
        warnings.append(notes[0])
        unverified += notes[1:]
        entry = _ccag_entry(decision, kb)
        refs += [kb.names.references.ccag_choice, entry.insertion, entry.contradictoire]
    if kb.names.blocks.hours in blocks:
        lists = [kb.names.contents.counting, kb.names.contents.personal_data]
        unverified += content_unverified(kb, lists)
        refs += [r for name in lists for r in kb.contents[name].references]
    return warnings, unverified, [kb.references[r] for r in dict.fromkeys(refs)]
