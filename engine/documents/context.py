"""The template context of a decision: every variable the templates use (docs/template-context.md).

Sentences and legal bases come from the decision's trace and the rulesets (`rulesets/`), never from here.
"""

from __future__ import annotations

from engine import fmt
from engine.documents.annex import annex_context, short_calc
from engine.law.knowledge import KnowledgeBase
from engine.law.references import CODE_NAMES, cite_all
from engine.reasoning.decision import MARKET_SCOPE, Decision


def _blank(what: str) -> str:
    return f"[à compléter : {what}]"


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


def _with(prep: str, phrase: str) -> str:
    """« de » / « à » before a phrase, with the French contractions (du, des, au, aux)."""
    contracted = {"de": {"le ": "du ", "les ": "des "}, "à": {"le ": "au ", "les ": "aux "}}[prep]
    for article, merged in contracted.items():
        if phrase.startswith(article):
            return merged + phrase[len(article):]
    return f"{prep} {phrase}"


def _join(items: list[str]) -> str:
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
            out.append(f"les articles {_join(groups[value])} {CODE_NAMES[value]}")
    return list(dict.fromkeys(out))


def _basis_forms(refs) -> dict[str, str]:
    phrases = reference_phrases(refs)
    if not phrases:
        return {"nu": "", "de": "", "a": ""}
    return {"nu": _join(phrases), "de": _join([_with("de", p) for p in phrases]),
            "a": _join([_with("à", p) for p in phrases])}


def _bases(trace: Trace, kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """For each block selected for the market, the binding texts behind it, in three grammatical forms."""
    out = {}
    for block, steps in trace.blocks().items():
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
                  trace: Trace | None = None) -> dict:
    """Every variable a template may use (documented in docs/template-context.md)."""
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
    }
    facil = m.get("facilitator") or {}
    penalty = m.get("penalty_per_hour")
    suggested = kb.params.value("pratique.penalite_par_heure", decision.launch_date).value
    weight = (m.get("weights") or {}).get("insertion")
    if weight is None:
        weight = kb.params.value(kb.index.criterion_weight_parameter, decision.launch_date).value
    blocks = set(decision.blocks)
    bases = _bases(trace, kb)
    reserved_lots = _reserved_lots(trace, kb)
    pme = _block_parameter(trace, "part_pme")
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
        "lots": _lots(decision, kb, reserved_lots),
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
                f"montant en € HT ; valeur indicative de pratique, non vérifiée : {fmt.euros(suggested)}"),
            "suivi": _blank("montant en € HT"),
        },
        "derogation": _derogation(m, voc),
        "reserve": _reservation(trace, kb, reserved_lots),
        "pme": {"part": fmt.percent(pme.value) if pme else _blank("part minimale")},
        "criteres": _criteria(decision, m, weight, kb),
        "contenus": {name: list(c.items) for name, c in kb.contents.items()},
        "achat": {"fournisseur": voc.reservation(m["reserved_for"], decision.launch_date).fournisseur if m.get("reserved_for")
                  else "une SIAE, une entreprise adaptée ou un ESAT"},
        "oeth": {"texte": _block_statement(trace, "oeth", decision.recommendations)},
        "annexe": annex_context(decision, kb) if annex else False,
    }


def _criteria(decision: Decision, m: dict, weight: float, kb: KnowledgeBase) -> dict:
    weights = m.get("weights") or {}
    blocks = set(decision.blocks)
    ranked = "criteres_hierarchises" in blocks

    def w(value):
        if ranked:
            return _blank("rang")
        return fmt.weight(value) if value is not None else _blank("pondération en %")

    insertion = ("Performances en matière d'insertion professionnelle des publics en difficulté", w(weight))
    if decision.mode == "objet_marche":
        rows = [(c, w(None)) for c in kb.contents["criteres_objet"].items]
    elif not decision.public:
        rows = [("Performance en matière d'insertion", w(weight))]
    else:
        rows = [insertion]
    rows = [("Prix ou coût", w(weights.get("price")))] + rows
    if "qualite_service_usagers" in blocks:  # a public service conceded (L3124-5)
        rows[1:1] = [(c, w(None)) for c in kb.contents["criteres_service_public_concede"].items]
    if "ligne_environnementale" in blocks:
        rows.append(("Performances en matière de protection de l'environnement", w(weights.get("environment"))))
    given = [weights.get(k) for k in ("price", "environment", "insertion")]
    remainder = 100 - sum(v for v in given if v is not None) if all(v is not None for v in given) else None
    if decision.mode != "objet_marche" and remainder != 0:
        rows.append((_blank("autre critère, par exemple la valeur technique"),
                     w(remainder) if remainder is not None else w(None)))
    return {
        "intro": "classés par ordre décroissant d'importance" if ranked else "pondérés comme suit",
        "entete": "Rang" if ranked else "Pondération",
        "lignes": [{"libelle": a, "poids": b} for a, b in rows],
    }


def _review_help(annex: bool, comments: bool) -> str:
    parts = []
    if comments:
        parts.append("les commentaires en marge donnent la règle et l'article qui fondent chaque paragraphe")
    if annex:
        parts.append("l'annexe finale justifie les choix et n'est pas à reprendre dans les pièces du marché")
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
    share = trace.params(scope).get("reserves.proportion_minimale")
    proportion = ""
    if share is not None and entry.travailleurs:
        basis = [kb.references[i] for i in kb.params.value(share.name, trace.decision.launch_date).references]
        lead = f"Conformément {_basis_forms(basis)['a']}, l" if basis else "L"
        proportion = (f"{lead}es opérateurs économiques candidats emploient au moins {fmt.percent(share.value)} "
                      f"de travailleurs {entry.travailleurs}.")
    primary = _primary(trace, kb, "reserve", scope) or _primary(trace, kb, "reserve_ess", scope)
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
        if "reserve" not in lot.blocks or not reservation:
            continue
        terms = _reservation_terms(trace, kb, reservation, f"lot {lot.number}", f"Lot n° {lot.number}")
        out.append({"numero": lot.number, "titre": lot.title or _blank("intitulé du lot"), **terms})
    return out


def _reservation(trace: Trace, kb: KnowledgeBase, reserved_lots: list[dict]) -> dict:
    reservation = trace.decision.market.get("reserved_for")
    duree = trace.params().get("reserves.ess_duree_max_mois")
    terms = (_reservation_terms(trace, kb, reservation, MARKET_SCOPE, "Marché") if reservation else _NO_RESERVATION)
    return {
        **terms,
        "duree_max": fmt.by_unit(duree.value, "mois") if duree else _blank("durée maximale"),
        "lots": reserved_lots,
    }


def comment_texts(trace: Trace) -> dict[str, str]:
    """For each block of the market, the Word comment a reviewer sees in the margin: rule and basis."""
    def text(steps):
        return " ".join(f"Fondement : {cite_all(s.references, ' (POINT NON VÉRIFIÉ)') or 'pratique'}. "
                        f"Règle clausier « {s.label} » ({s.rule})." for s in steps)

    texts = {block: text(steps) for block, steps in trace.blocks().items()}
    lot_steps = [s for lot in trace.decision.lots for s in trace.blocks(f"lot {lot.number}").get("reserve", [])]
    if lot_steps:
        texts["reserve_lots"] = text(list({s.rule: s for s in lot_steps}.values()))
    return texts
