"""The template context of a decision: every variable the templates use (docs/template-context.md).

Sentences and legal bases come from the decision's trace and the rulesets (`rulesets/`), never from here.
"""

from __future__ import annotations

from engine import fmt
from engine.documents.annex import annex_context, reference_line, short_calc
from engine.documents.clause_terms import (
    ccag_context,
    ccag_notes,
    content_comments,
    criterion_article,
    lot_notes,
    perimeter,
    review_notes,
)
from engine.documents.context_types import TemplateContext
from engine.documents.criteria import criteria as _criteria
from engine.documents.phrasing import basis_forms as _basis_forms
from engine.documents.phrasing import blank as _blank
from engine.documents.phrasing import reference_phrases
from engine.documents.phrasing import with_prep as _with
from engine.law.knowledge import KnowledgeBase
from engine.law.references import cite_all
from engine.reasoning.decision import MARKET_SCOPE, Decision


def in_scope(step, scope: str = MARKET_SCOPE) -> bool:
    """Whether a trace step belongs to `scope` (« marché » or « lot N »)."""
    if scope == MARKET_SCOPE:
        return not step.scope.startswith("lot ")
    return step.scope == scope


def block_steps(decision: Decision, scope: str = MARKET_SCOPE) -> dict[str, list]:
    """For each clause block, the rules that selected it in `scope`, the most specific first.

    A rule that selects a single block (« publics éligibles ») explains it better than a rule that
    selects the whole clause skeleton; when several rules select a block, only those selecting the
    fewest blocks are kept. Each rule appears once even if it fired for several lots.
    """
    found: dict[str, list] = {}
    for step in decision.trace:
        if not in_scope(step, scope):
            continue
        for token in step.asserted:
            if token.startswith("bloc:"):
                steps = found.setdefault(token[5:], [])
                if all(s.rule != step.rule for s in steps):
                    steps.append(step)

    def width(step):
        return sum(t.startswith("bloc:") for t in step.asserted)

    out = {}
    for block, steps in found.items():
        narrowest = min(map(width, steps))
        out[block] = [s for s in steps if width(s) == narrowest]
    return out


class Trace:
    """A decision's trace read once per document: the blocks and parameters of each scope."""

    def __init__(self, decision: Decision):
        self.decision = decision
        self._blocks: dict[str, dict] = {}
        self._params: dict[str, dict] = {}

    def blocks(self, scope: str = MARKET_SCOPE) -> dict[str, list]:
        if scope not in self._blocks:
            self._blocks[scope] = block_steps(self.decision, scope)
        return self._blocks[scope]

    def params(self, scope: str = MARKET_SCOPE) -> dict:
        """The parameters the rules of `scope` applied, by name."""
        if scope not in self._params:
            self._params[scope] = {p.name: p for step in self.decision.trace if in_scope(step, scope)
                                   for p in step.parameters}
        return self._params[scope]


def _bases(trace: Trace, kb: KnowledgeBase, scope: str = MARKET_SCOPE) -> dict[str, dict[str, str]]:
    """For each block selected in `scope`, the binding texts behind it, in three grammatical forms."""
    out = {}
    for block, steps in trace.blocks(scope).items():
        refs = list(dict.fromkeys(kb.references[i] for s in steps for i in kb.rule_index[s.rule].references))
        binding = [r for r in refs if r.binding] or refs
        out[block] = _basis_forms(binding)
    return out


def _primary(trace: Trace, kb: KnowledgeBase, block: str, scope: str = MARKET_SCOPE):
    """The first reference of the rule that selected `block`: the article a notice must cite."""
    steps = trace.blocks(scope).get(block)
    return kb.references[kb.rule_index[steps[0].rule].references[0]] if steps else None


def _block_statement(trace: Trace, block: str, statements) -> str:
    """The text of the first of `statements` made by a rule that selected `block`, or ""."""
    rules = {s.rule for s in trace.blocks().get(block, [])}
    return next((s.text for s in statements if s.rule in rules), "")


def _block_parameter(trace: Trace, block: str):
    """The first parameter applied by a rule that selected `block`, or None."""
    return next((p for s in trace.blocks().get(block, []) for p in s.parameters), None)


def build_context(decision: Decision, kb: KnowledgeBase, *, annex: bool = True, comments: bool = True,
                  trace: Trace | None = None) -> TemplateContext:
    """Every variable a template may use (typed in context_types.py, documented in docs/template-context.md)."""
    trace = trace or Trace(decision)
    voc = kb.vocabulary
    m = decision.market
    public = decision.public
    mode_entry = voc.modes[decision.mode]
    marche = {
        "titre": m.get("title") or _blank("intitulé du marché"),
        "acheteur": m.get("buyer_name") or _blank("nom de l'acheteur"),
        "acheteur_libelle": "Acheteur" if public else "Société cliente",
        "reference": m.get("reference") or _blank("référence"),
        "montant": fmt.euros(m["amount"]),
        "contrat": fmt.cap(voc.contrats[m["contract_type"]].libelle) if public else "Contrat",
        "procedure": voc.procedures[m["procedure"]].libelle,
        "segment": voc.segments[decision.segment].libelle.lower(),
        "support": voc.segments[decision.segment].libelle.lower(),
        "cpv_mention": f" (code CPV {m['cpv']})" if m.get("cpv") else "",
        "duree": fmt.by_unit(m["duration_months"], "mois") if m.get("duration_months") else _blank("durée"),
        "designation": voc.contrats[m["contract_type"]].designation,
        "titulaire": voc.contrats[m["contract_type"]].titulaire,
        "role_acheteur": voc.contrats[m["contract_type"]].acheteur,
        "piece": voc.contrats[m["contract_type"]].piece,
        "pieces": voc.contrats[m["contract_type"]].pieces,
    }
    facil = m.get("facilitator") or {}
    penalty = m.get("penalty_per_hour")
    names = kb.names
    suggested = kb.params.value(names.parameters.penalty_per_hour, decision.launch_date).value
    weight = (m.get("weights") or {}).get("insertion")
    if weight is None:
        weight = kb.params.value(names.parameters.criterion_weight, decision.launch_date).value
    blocks = set(decision.blocks)
    bases = _bases(trace, kb)
    reserved_lots = _reserved_lots(trace, kb)
    pme = _block_parameter(trace, names.blocks.sme_share)
    lots = _lots(decision, kb, reserved_lots)
    return {
        "doc": {
            # a reserved contract without an hours clause: the document holds the reservation, not a clause
            "sous_titre": fmt.cap(kb.vocabulary.reserve_sans_clause if public and "reserve" in blocks
                                  and "objet_clause" not in blocks and decision.mode == "condition_execution"
                                  else mode_entry.libelle if public else mode_entry.libelle_prive),
            "date_droit": fmt.date_fr(decision.launch_date),
            "date_origine": {
                "launch_date": "date de lancement de la consultation",
                "option": "date indiquée à la génération",
                "aujourd_hui": "date du jour, faute de date de lancement",
            }[decision.date_source],
            "version": decision.ruleset_version,
            "aide_relecture": _review_help(annex, comments),
            "entete": f"{marche['acheteur']} — {marche['titre']} — projet de clause sociale"
            if m.get("title") else f"{marche['acheteur']} — projet de clause sociale",
            "pied": f"Projet généré par clausier — droit applicable au {fmt.date_fr(decision.launch_date)} — "
                    f"règles {decision.ruleset_version}",
        },
        "marche": marche,
        "heures": _hours(decision),
        "lots": lots,
        "lots_critere": _criterion_lots(trace, m, weight, kb, lots),
        "lots_condition": _condition_lots(decision, kb, lots),
        "blocs": {b: b in blocks for b in kb.known_blocks},
        "bases": {b: f["nu"] for b, f in bases.items()},
        "bases_de": {b: f["de"] for b, f in bases.items()},
        "bases_a": {b: f["a"] for b, f in bases.items()},
        "facilitateur": {
            "nom": facil.get("name") or _blank("nom de la structure du facilitateur"),
            "contact": facil.get("contact") or _blank("courriel et téléphone du facilitateur"),
        },
        "penalite": {
            "montant": fmt.by_unit(penalty, "eur_ht") if penalty else _blank(
                f"montant en € HT par heure ; valeur indicative de pratique : {fmt.euros(suggested)}"),
            "suivi": _blank("montant en € HT"),
        },
        "derogation": _derogation(m, voc),
        "reserve": _reservation(trace, kb, reserved_lots),
        "pme": {"part": fmt.percent(pme.value) if pme else _blank("part minimale")},
        "criteres": {**_criteria(decision, m, weight, kb), "article": criterion_article(decision, kb)},
        "ccag": ccag_context(decision, kb),
        "perimetre": {"objet": perimeter(decision, kb)},
        "contenus": {name: list(c.items) for name, c in kb.contents.items()},
        "achat": {"fournisseur": voc.reservation(m["reserved_for"], decision.launch_date).fournisseur if m.get("reserved_for")
                  else "une SIAE, une entreprise adaptée ou un ESAT"},
        "oeth": {"texte": _block_statement(trace, names.blocks.oeth, decision.recommendations)},
        "annexe": _annex(decision, kb) if annex else False,
    }


def _annex(decision: Decision, kb: KnowledgeBase) -> dict:
    out = annex_context(decision, kb)
    warnings, unverified, refs = review_notes(decision, kb)
    listed = {(r["code"], r["article"], r["title"]) for r in decision.references}
    out["references"] = out["references"] + [reference_line(r.public_dict()) for r in refs
                                             if (r.code, r.article, r.title) not in listed]
    market_warnings = {w.text for w in decision.warnings}
    out["avertissements"] = out["avertissements"] + warnings + [
        f"Lot n° {lot.number} : {w.text}" for lot in decision.lots for w in lot.warnings if w.text not in market_warnings]
    out["recommandations"] = out["recommandations"] + lot_notes(decision)
    out["non_verifies"] = list(dict.fromkeys(out["non_verifies"] + unverified))
    return out


def _criterion_lots(trace: Trace, m: dict, weight: float, kb: KnowledgeBase, lots: list[dict]) -> list[dict]:
    """The lots whose own mode is the award criterion, in a document of another mode: each gets its section of
    the consultation rules, with its criteria table, and the basis of the social condition it still owes."""
    decision = trace.decision
    if decision.mode == "critere_attribution":
        return []
    titles = {lot["numero"]: lot["titre"] for lot in lots}
    article = criterion_article(decision, kb)
    reminder = kb.names.blocks.mandatory_reminder
    return [{"numero": lot.number, "titre": titles[lot.number],
             "criteres": {**_criteria(decision, m, weight, kb, lot.blocks, lot.mode), "article": article},
             "condition_obligatoire": _bases(trace, kb, f"lot {lot.number}").get(reminder, {}).get("nu", "")}
            for lot in decision.lots if lot.mode == "critere_attribution" and lot.allowed]


def _condition_lots(decision: Decision, kb: KnowledgeBase, lots: list[dict]) -> list[dict]:
    """The lots whose own mode is the execution condition, in a document of another mode: each gets its clause,
    with the CCAG name when the rules activate a CCAG for the lot (never for a concession)."""
    if decision.mode == "condition_execution":
        return []
    ccag = ccag_context(decision, kb)["nom"]
    return [{"numero": ctx["numero"], "titre": ctx["titre"], "heures": ctx["heures"], "calcul": ctx["calcul"],
             "ccag": ccag if kb.names.blocks.ccag in lot.blocks else ""}
            for ctx, lot in zip(lots, decision.lots)
            if lot.mode == "condition_execution" and lot.allowed and lot.hours is not None]


def _review_help(annex: bool, comments: bool) -> str:
    parts = []
    if comments:
        parts.append("les commentaires en marge donnent la règle et l'article qui fondent chaque paragraphe")
    if annex:
        parts.append("l'annexe finale justifie les choix et n'est pas à reprendre dans les pièces contractuelles")
    return (" " + fmt.cap(" ; ".join(parts)) + ".") if parts else ""


def _hours(decision: Decision) -> dict:
    h = decision.hours
    if h is None:
        return {"valeur": _blank("nombre d'heures"), "calcul": _blank("calcul")}
    if h.lots:
        calc = ("somme des volumes des lots : " + " + ".join(f"{fmt.number(v)} h (lot {n})" for n, v in h.lots.items())
                + f" = {fmt.number(h.value)} heures")
    elif "hours" in h.overridden:
        calc = "volume fixé par l'acheteur"
    else:
        calc = (f"{fmt.euros(h.amount)} HT × {fmt.percent(h.labour_share)} (part de main-d'œuvre) × "
                f"{fmt.percent(h.rate)} (taux d'insertion) ÷ {fmt.euros(h.hourly_cost)}/h (coût horaire moyen "
                f"chargé) = {fmt.number(h.value)} heures, arrondies à l'heure la plus proche")
    return {"valeur": fmt.number(h.value), "calcul": calc}


def _lots(decision: Decision, kb: KnowledgeBase, reserved_lots: list[dict]) -> list[dict]:
    voc = kb.vocabulary
    reserved = {r["numero"]: r for r in reserved_lots}
    return [
        {
            "numero": lot.number,
            "titre": lot.title or _blank("intitulé du lot"),
            "montant": fmt.euros(lot.amount),
            "mode": voc.modes[lot.mode].libelle if lot.mode else "—",
            "heures": (f"{fmt.number(lot.hours.value)} h" if lot.hours
                       else "sans clause d'heures (lot réservé)" if lot.number in reserved else "—"),
            "calcul": short_calc(lot.hours) if lot.hours else "—",
            "reserve": f"réservé aux {reserved[lot.number]['beneficiaires']}" if lot.number in reserved else "",
        }
        for lot in decision.lots
    ]


def _derogation(m: dict, voc) -> dict:
    d = m.get("derogation")
    if not d:
        return {"motif": "", "justification": ""}
    return {"motif": voc.derogations[d["reason"]].libelle, "justification": d["justification"]}


_NO_RESERVATION = {"beneficiaires": "", "travailleurs": "", "proportion_phrase": "", "article": "", "article_de": "",
                   "mention": ""}


def _reservation_terms(trace: Trace, kb: KnowledgeBase, reservation: str, scope: str, subject: str) -> dict:
    """What a notice says about a reservation decided in `scope` for `subject` (« Marché », « Lot n° 2 »):
    beneficiaries, article, share. Same keys as _NO_RESERVATION."""
    entry = kb.vocabulary.reservation(reservation, trace.decision.launch_date)
    share = trace.params(scope).get(kb.names.parameters.reservation_share)
    proportion = ""
    if share is not None and entry.travailleurs:
        basis = [kb.references[i] for i in kb.params.value(share.name, trace.decision.launch_date).references]
        lead = f"Conformément {_basis_forms(basis)['a']}, l" if basis else "L"
        proportion = (f"{lead}es opérateurs économiques candidats emploient au moins {fmt.percent(share.value)} "
                      f"de travailleurs {entry.travailleurs}.")
    blocks = kb.names.blocks
    primary = _primary(trace, kb, blocks.reservation, scope) or _primary(trace, kb, blocks.ess_reservation, scope)
    article = reference_phrases([primary])[0] if primary else _blank("article de réservation")
    return {
        "article_de": _with("de", article),
        "beneficiaires": entry.libelle,
        "travailleurs": entry.travailleurs,
        "proportion_phrase": proportion,
        "article": article,
        "mention": f"{subject} réservé, en application {_with('de', article)}, aux {entry.libelle}"
                   + (" et aux structures équivalentes" if entry.travailleurs else "") + ".",
    }


def _reserved_lots(trace: Trace, kb: KnowledgeBase) -> list[dict]:
    decision = trace.decision
    out = []
    lots_input = {str(lot["number"]): lot for lot in decision.market.get("lots") or []}
    for lot in decision.lots:
        reservation = (lots_input.get(lot.number) or {}).get("reserved_for") or decision.market.get("reserved_for")
        if kb.names.blocks.reservation not in lot.blocks or not reservation:
            continue
        terms = _reservation_terms(trace, kb, reservation, f"lot {lot.number}", f"Lot n° {lot.number}")
        out.append({"numero": lot.number, "titre": lot.title or _blank("intitulé du lot"), **terms})
    return out


def _reservation(trace: Trace, kb: KnowledgeBase, reserved_lots: list[dict]) -> dict:
    reservation = trace.decision.market.get("reserved_for")
    duree = trace.params().get(kb.names.parameters.ess_max_duration)
    terms = (_reservation_terms(trace, kb, reservation, MARKET_SCOPE, "Marché") if reservation else _NO_RESERVATION)
    return {
        **terms,
        "duree_max": fmt.by_unit(duree.value, "mois") if duree else _blank("durée maximale"),
        "lots": reserved_lots,
    }


def comment_texts(trace: Trace, kb: KnowledgeBase) -> dict[str, str]:
    """For each block of the market, the Word comment a reviewer sees in the margin: rule and basis."""
    def text(steps):
        return " ".join(f"Fondement : {cite_all(s.references, ' (POINT NON VÉRIFIÉ)') or 'pratique'}. "
                        f"Règle clausier « {s.label} » ({s.rule})." for s in steps)

    texts = {**content_comments(kb), **{block: text(steps) for block, steps in trace.blocks().items()}}
    hours = kb.names.blocks.hours
    if hours in texts and lot_notes(trace.decision):
        texts[hours] += " " + " ".join(lot_notes(trace.decision))
    ccag = kb.names.blocks.ccag
    if ccag in texts:
        texts[ccag] += " " + " ".join(ccag_notes(trace.decision, kb))
    lot_steps = [s for lot in trace.decision.lots for s in trace.blocks(f"lot {lot.number}").get(kb.names.blocks.reservation, [])]
    if lot_steps:
        texts["reserve_lots"] = text(list({s.rule: s for s in lot_steps}.values()))
    return texts
