"""render(): a Decision -> the .docx bytes of its clause, through docxtpl.

Owns the template context (documented in docs/template-context.md), the Jinja environment
(StrictUndefined, autoescape: user text is data, never template), and which template serves which
decision. Post-processing (comments, highlighting, stable bytes) lives in `_docx_post.py`.
"""

from __future__ import annotations

import io
import threading
from pathlib import Path

import jinja2
from docxtpl import DocxTemplate

from . import fmt
from ._docx_cache import CachedDocxTemplate, shared_env
from ._docx_post import finish
from ._resources import templates_dir
from .errors import DocumentError, NotAllowed
from .knowledge import KnowledgeBase, knowledge
from .models import Decision

_ENV_LOCK = threading.Lock()
_TEMPLATE_CACHE: dict[Path, bytes] = {}


def jinja_env() -> jinja2.Environment:
    """The only Jinja environment clausier renders with: missing variables fail, text is escaped."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    env.filters.update(euros=fmt.euros, date_fr=fmt.date_fr, nombre=fmt.number)
    return env


def template_name(decision: Decision) -> str:
    """`public_<mode>.docx` or `prive_<mode>.docx`."""
    return f"{'public' if decision.public else 'prive'}_{decision.mode}.docx"


def _template_bytes(path: Path) -> bytes:
    cached = _TEMPLATE_CACHE.get(path)
    if cached is None:
        try:
            cached = path.read_bytes()
        except FileNotFoundError:
            raise DocumentError(path.name, f"modèle introuvable dans {path.parent}") from None
        with _ENV_LOCK:
            _TEMPLATE_CACHE[path] = cached
    return cached


def render(decision: Decision, templates: str | Path | None = None, *, annex: bool = True,
           comments: bool = True, rulesets=None) -> bytes:
    """The Word document for `decision`'s mode.

    Args:
        decision: the result of `evaluate`; its mode must be allowed.
        templates: a folder of organisation templates (same names and context); default: clausier's.
        annex: append the justification annex for the legal reviewer.
        comments: anchor a Word comment with the rule and article on each clause block.

    Raises:
        NotAllowed: the decision's mode is not allowed (its reasons are in the message).
        DocumentError: the template is missing or uses a variable the context does not provide.
    """
    if not decision.allowed or decision.mode is None:
        raise NotAllowed(decision)
    kb = knowledge(rulesets)
    folder = Path(templates) if templates else templates_dir()
    name = template_name(decision)
    context = build_context(decision, kb, annex=annex)
    tpl = CachedDocxTemplate(io.BytesIO(_template_bytes(folder / name)))
    try:
        tpl.render(context, jinja_env=shared_env(jinja_env))
    except jinja2.UndefinedError as exc:
        raise DocumentError(name, f"variable non fournie par le contexte : {exc.message}",
                            getattr(exc, "docx_context", None)) from None
    except jinja2.TemplateError as exc:
        raise DocumentError(name, f"erreur de modèle : {exc}", getattr(exc, "docx_context", None)) from None
    return finish(tpl.docx, decision, kb, comments=comments)


# --- context -------------------------------------------------------------------------------------

def _blank(what: str) -> str:
    return f"[à compléter : {what}]"


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def build_context(decision: Decision, kb: KnowledgeBase, *, annex: bool = True) -> dict:
    """Every variable a template may use (see docs/template-context.md)."""
    voc = kb.vocabulary
    m = decision.market
    public = decision.public
    mode_entry = voc.modes[decision.mode]
    params = _trace_params(decision)
    marche = {
        "titre": m.get("title") or _blank("intitulé du marché"),
        "acheteur": m.get("buyer_name") or _blank("nom de l'acheteur"),
        "acheteur_libelle": "Acheteur" if public else "Société cliente",
        "reference": m.get("reference") or _blank("référence"),
        "montant": fmt.euros(m["amount"]),
        "contrat": _cap(voc.contrats[m["contract_type"]].libelle),
        "procedure": voc.procedures[m["procedure"]].libelle,
        "segment": voc.segments[decision.segment].libelle.lower(),
        "support": voc.segments[decision.segment].libelle.lower(),
        "cpv_mention": f" (code CPV {m['cpv']})" if m.get("cpv") else "",
    }
    facil = m.get("facilitator") or {}
    penalty = m.get("penalty_per_hour")
    suggested = kb.params.value("pratique.penalite_par_heure", decision.launch_date).value
    reservation = m.get("reserved_for")
    weight = (m.get("weights") or {}).get("insertion")
    if weight is None:
        weight = kb.params.value(kb.index.criterion_weight_parameter, decision.launch_date).value
    blocks = set(decision.blocks)
    return {
        "doc": {
            "sous_titre": _cap(mode_entry.libelle if public else mode_entry.libelle_prive),
            "date_droit": fmt.date_fr(decision.launch_date),
            "date_origine": {
                "launch_date": "date de lancement de la consultation",
                "option": "date indiquée à la génération",
                "aujourd_hui": "date du jour, faute de date de lancement",
            }[decision.date_source],
            "version": decision.ruleset_version,
            "entete": f"{marche['acheteur']} — projet de clause sociale",
            "pied": f"Projet généré par clausier — droit applicable au {fmt.date_fr(decision.launch_date)} — "
                    f"règles {decision.ruleset_version}",
        },
        "marche": marche,
        "heures": _hours(decision),
        "lots": [
            {
                "numero": lot.number,
                "titre": lot.title or _blank("intitulé du lot"),
                "montant": f"{fmt.euros(lot.amount)}",
                "mode": voc.modes[lot.mode].libelle if lot.mode else "—",
                "heures": f"{fmt.number(lot.hours.value)} h" if lot.hours else "—",
            }
            for lot in decision.lots
        ],
        "blocs": {b: b in blocks for b in kb.known_blocks()},
        "bases": _bases(decision, kb),
        "facilitateur": {
            "nom": facil.get("name") or _blank("nom de la structure du facilitateur"),
            "contact": facil.get("contact") or _blank("courriel et téléphone du facilitateur"),
        },
        "penalite": {
            "montant": f"{fmt.euros(penalty)} HT" if penalty else _blank(
                f"montant en € HT ; valeur indicative de pratique, non vérifiée : {fmt.euros(suggested)}"),
        },
        "derogation": _derogation(m, voc),
        "reserve": _reservation(reservation, voc, params, _bases(decision, kb)),
        "pme": {"part": fmt.percent(params[p]) for p in ("partenariat.part_pme_min", "global.part_pme_min") if p in params},
        "criteres": _criteria(decision, m, weight, kb),
        "contenus": {name: list(c.items) for name, c in kb.contents.items()},
        "achat": {"fournisseur": voc.reservations[reservation].fournisseur if reservation
                  else "une SIAE, une entreprise adaptée ou un ESAT"},
        "oeth": {"texte": next((s.text for s in decision.recommendations if s.rule == "oeth_deduction_achats_ea_esat"), "")},
        "annexe": _annex(decision, kb) if annex else False,
    }


def _trace_params(decision: Decision) -> dict:
    return {p.name: p.value for step in decision.trace for p in step.parameters}


def _hours(decision: Decision) -> dict:
    h = decision.hours
    if h is None:
        return {"valeur": _blank("nombre d'heures"), "calcul": _blank("calcul")}
    if "hours" in h.overridden:
        calc = "volume fixé par l'acheteur"
    else:
        calc = (f"{fmt.euros(h.amount)} HT × {fmt.percent(h.labour_share)} (part de main-d'œuvre) × "
                f"{fmt.percent(h.rate)} (taux d'insertion) ÷ {fmt.euros(h.hourly_cost)}/h (coût horaire moyen "
                f"chargé) = {fmt.number(h.value)} heures, arrondies à l'heure la plus proche")
    return {"valeur": fmt.number(h.value), "calcul": calc}


def _bases(decision: Decision, kb: KnowledgeBase) -> dict:
    """For each block selected, the legal texts behind it, as they read in a clause."""
    by_id = {r.id: r for r in kb.rules}
    refs_by_block: dict[str, list] = {}
    for step in decision.trace:
        for token in step.asserted:
            if token.startswith("bloc:"):
                refs = refs_by_block.setdefault(token[5:], [])
                refs += [kb.references[r] for r in by_id[step.rule].references if kb.references[r] not in refs]
    out = {}
    for block, refs in refs_by_block.items():
        binding = [r for r in refs if r.binding] or refs
        phrases = list(dict.fromkeys(r.phrase() for r in binding))
        out[block] = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + " et " + phrases[-1]
    return out


def _derogation(m: dict, voc) -> dict:
    d = m.get("derogation")
    if not d:
        return {}
    return {"motif": voc.derogations[d["reason"]].libelle, "justification": d["justification"]}


def _reservation(reservation, voc, params: dict, bases: dict) -> dict:
    if not reservation:
        return {}
    entry = voc.reservations[reservation]
    share = params.get("reserves.proportion_minimale")
    phrase = (f" Les opérateurs économiques emploient au moins {fmt.percent(share)} de travailleurs "
              f"{entry.travailleurs}." if share is not None and entry.travailleurs else "")
    basis = bases.get("reserve") or bases.get("reserve_ess") or ""
    duree = params.get("reserves.ess_duree_max_mois")
    return {
        "beneficiaires": entry.libelle,
        "proportion_phrase": phrase,
        "mention": _cap(f"marché réservé en application de {basis}") if basis else "",
        "duree_max": f"{fmt.number(duree)} mois" if duree else _blank("durée maximale"),
    }


def _criteria(decision: Decision, m: dict, weight: float, kb: KnowledgeBase) -> dict:
    weights = m.get("weights") or {}
    blocks = set(decision.blocks)
    ranked = "criteres_hierarchises" in blocks

    def w(value):
        if ranked:
            return _blank("rang")
        return f"{fmt.number(value, 0 if float(value).is_integer() else 1)} %" if value is not None else _blank("pondération en %")

    insertion = ("Performances en matière d'insertion professionnelle des publics en difficulté", w(weight))
    if decision.mode == "objet_marche":
        rows = [(c, w(None)) for c in kb.contents["criteres_objet"].items]
    elif not decision.public:
        rows = [("Performance en matière d'insertion", w(weight))]
    else:
        rows = [insertion]
    rows = [("Prix ou coût", w(weights.get("price")))] + rows
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


_FIELD_LABELS = {
    "title": "Intitulé", "buyer_name": "Acheteur", "reference": "Référence", "segment": "Segment",
    "cpv": "Code CPV", "amount": "Montant estimé HT", "procedure": "Procédure", "buyer_type": "Type d'acheteur",
    "contract_type": "Type de contrat", "reserved_for": "Réservation", "mode": "Mode demandé",
    "launch_date": "Date de lancement", "duration_months": "Durée (mois)", "penalty_per_hour": "Pénalité par heure",
}


def _annex(decision: Decision, kb: KnowledgeBase) -> dict:
    voc = kb.vocabulary
    m = decision.market
    rows = []
    for key, label in _FIELD_LABELS.items():
        if key not in m:
            continue
        value = m[key]
        if key == "amount":
            value = fmt.euros(value)
        elif key == "segment":
            value = voc.segments[value].libelle
        elif key == "procedure":
            value = voc.procedures[value].libelle
        elif key == "buyer_type":
            value = voc.acheteurs[value].libelle
        elif key == "contract_type":
            value = voc.contrats[value].libelle
        elif key == "reserved_for":
            value = voc.reservations[value].libelle
        elif key == "mode":
            value = voc.modes[value].libelle
        rows.append({"cle": label, "valeur": str(value)})
    if "segment" not in m:
        rows.append({"cle": "Segment (déduit du code CPV)", "valeur": voc.segments[decision.segment].libelle})
    for key, label in (("insertion", "Paramètres d'insertion saisis"), ("weights", "Pondérations saisies"),
                       ("derogation", "Dérogation"), ("facilitator", "Facilitateur")):
        if key in m:
            rows.append({"cle": label, "valeur": ", ".join(f"{k} = {v}" for k, v in m[key].items())})
    for lot in m.get("lots") or []:
        rows.append({"cle": f"Lot {lot['number']}", "valeur": f"{fmt.euros(lot['amount'])} HT"
                     + (f", {voc.segments[lot['segment']].libelle}" if lot.get("segment") else "")})
    origin = {"launch_date": "la date de lancement de la consultation indiquée dans le marché",
              "option": "la date indiquée à la génération (le marché n'a pas de date de lancement)",
              "aujourd_hui": "la date du jour (le marché n'a pas de date de lancement)"}[decision.date_source]
    decision_lines = [
        f"Mode retenu : {voc.modes[decision.mode].libelle}"
        + (" (demandé)" if decision.requested_mode else " (recommandé, aucun mode n'était demandé)"),
        f"Mode admis : {'oui' if decision.allowed else 'non'}",
        "Modes admis pour ce marché : " + (", ".join(voc.modes[x].libelle for x in decision.eligible_modes) or "aucun"),
    ]
    if decision.recommended_mode:
        decision_lines.append(f"Mode recommandé : {voc.modes[decision.recommended_mode].libelle}"
                              + (f" — {decision.recommendation_reason}" if decision.recommendation_reason else ""))
    hours = None
    if decision.hours:
        h = decision.hours
        hours = {
            "formule": _cap(h.formula) + ".",
            "lignes": [
                f"Montant HT : {fmt.euros(h.amount)}",
                f"Part de main-d'œuvre : {fmt.percent(h.labour_share)} — {h.sources['labour_share']}",
                f"Taux d'insertion : {fmt.percent(h.rate)} — {h.sources['rate']}",
                f"Coût horaire moyen chargé : {fmt.euros(h.hourly_cost)}/h — {h.sources['hourly_cost']}",
                f"Résultat : {fmt.number(h.value)} heures"
                + (f" — {h.sources['hours']}" if "hours" in h.sources else " (arrondi à l'heure la plus proche)"),
            ],
        }
    steps = []
    for i, step in enumerate(decision.trace, 1):
        refs = "; ".join(
            f"{r['code']}, art. {r['article']}" if r["article"] else r["title"] for r in step.references
        )
        if any(not r["verified"] for r in step.references):
            refs += " (point non vérifié)"
        label = step.label + (f" — {step.scope}" if step.scope != "marché" else "")
        steps.append({"n": str(i), "libelle": label, "id": step.rule, "fondement": refs,
                      "faits": ", ".join(step.asserted) or "—"})
    references = []
    for r in decision.references:
        cite = f"{r['code']}, art. {r['article']}" if r["article"] else r["code"]
        tail = f" — {r['url']}" if r["url"] else ""
        flag = " — NON VÉRIFIÉ" if not r["verified"] else ""
        references.append(f"{cite} : {r['title']}{tail}{flag}")
    return {
        "marche": rows,
        "droit": f"Règles en vigueur au {fmt.date_fr(decision.launch_date)}, date retenue d'après {origin}. "
                 f"Version des règles : {decision.ruleset_version}.",
        "decision": decision_lines + [f"Motif : {r}" for r in decision.reasons],
        "heures": hours,
        "obligations": [s.text for s in decision.obligations],
        "avertissements": [s.text for s in decision.warnings],
        "recommandations": [s.text for s in decision.recommendations],
        "regles": steps,
        "references": references,
    }
