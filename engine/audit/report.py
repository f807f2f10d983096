"""rapport.html: a self-contained French report (inline CSS and SVG) for elected officials and buyers' networks."""

from __future__ import annotations

from html import escape

from . import charts
from .readers import FORMAT_LABELS
from .verdict import CONFORME, INDETERMINE, NON_CONFORME, NON_SOUMIS

VERDICT_LABELS = {
    CONFORME: "Conforme (clause sociale publiée)",
    NON_CONFORME: "Sans clause publiée (non conforme ou dérogation non publiée)",
    NON_SOUMIS: "Non soumis à l'obligation",
    INDETERMINE: "Indéterminé (données insuffisantes)",
}
FLAG_LABELS = {
    "cpv_invalide": "Code CPV absent de la nomenclature CPV 2008 ou chiffre de contrôle faux",
    "montant_fictif": "Montant absent, nul, symbolique ou invraisemblable (non compté dans les totaux)",
    "doublon": "Contrat publié plusieurs fois (même acheteur, même identifiant)",
    "modifie": "Contrat modifié après notification (montant initial retenu)",
    "date_reparee": "Date réparée (fuseau horaire retiré, ou date de publication à défaut de notification)",
    "accord_cadre_maximum": "Accord-cadre : le montant publié est un maximum ou une estimation",
    "marche_subsequent": "Marché subséquent d'un accord-cadre",
    "lot": "Lot publié comme un contrat distinct",
}
SOURCE_LABELS = {"fichier_acheteurs": "fichier des acheteurs fourni", "nom": "nom de l'acheteur",
                 "siren": "premier chiffre du SIREN", "defaut": "hypothèse par défaut (collectivité)"}
PROCEDURE_LABELS = {"procedure_adaptee": "Procédure adaptée", "appel_offres": "Appel d'offres",
                    "procedure_negociee": "Procédure avec négociation", "dialogue_competitif": "Dialogue compétitif",
                    "sans_publicite": "Sans publicité ni mise en concurrence", "concession": "Concession",
                    "inconnue": "Procédure non publiée ou non reconnue"}
PARTS = [(CONFORME, "avec clause sociale", "#2e7d4f"), (NON_CONFORME, "sans clause publiée", "#c2571a")]
_CSS = """
body{font-family:"DejaVu Sans",Arial,sans-serif;color:#1d1d1b;max-width:960px;margin:2em auto;padding:0 1em;
line-height:1.45}h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;border-bottom:2px solid #2e7d4f;
padding-bottom:.2em;margin-top:2em}.sub{color:#555;margin-top:0}.cards{display:flex;gap:.7em;flex-wrap:wrap}
.card{box-sizing:border-box;flex:1 1 0;min-width:150px;border:1px solid #ddd;border-radius:6px;padding:.8em 1em;background:#fafaf7}
.card b{display:block;font-size:1.7em;color:#2e7d4f}.card.warn b{color:#c2571a}.card.muted b{color:#666}table{border-collapse:collapse;
width:100%;margin:.6em 0;font-size:.92em}th,td{border-bottom:1px solid #e2e2e2;padding:.35em .5em;text-align:left}
td.n,th.n{text-align:right;white-space:nowrap}th{background:#f1f1ec}.note{color:#444;font-size:.9em}
.caveat{background:#fff6e5;border-left:4px solid #e0a100;padding:.6em 1em;margin:1em 0}
footer{margin-top:3em;color:#666;font-size:.85em}.scroll{overflow-x:auto}td{overflow-wrap:anywhere}
"""


def _n(value) -> str:
    return f"{value:,.0f}".replace(",", "\u202f")


def _pct(part, total) -> str:
    return f"{100 * part / total:.0f} %" if total else "—"


def _subject_rows(table: dict) -> list[tuple[str, dict]]:
    return [(label.replace("_", " "), {k: cells[k]["contrats"] for k in (CONFORME, NON_CONFORME)})
            for label, cells in table.items()]


def render(data: dict) -> str:
    v = data["par_verdict"]
    counts = {k: v[k]["contrats"] for k in v}
    subject = counts[CONFORME] + counts[NON_CONFORME]
    hours_left = v[NON_CONFORME]["heures"]
    total = data["enregistrements"]["contrats_distincts"]
    h = [f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Clauses sociales dans les contrats '
         f'publiés — audit DECP</title><style>{_CSS}</style></head><body>',
         "<h1>Clauses sociales d'insertion dans les contrats publiés</h1>",
         f'<p class="sub">Audit des données essentielles de la commande publique (DECP) — '
         f'{escape(_dates(data))} — règles {escape(data["version_regles"])}</p>',
         '<div class="cards">',
         f'<div class="card"><b>{_n(total)}</b>contrats distincts analysés</div>',
         f'<div class="card"><b>{_n(subject)}</b>contrats soumis à l\'obligation, dont on sait s\'ils portent '
         f'une clause</div>',
         f'<div class="card"><b>{_pct(counts[CONFORME], subject)}</b>de ces contrats soumis portent une clause '
         f'sociale</div>',
         f'<div class="card warn"><b>{_n(hours_left)}</b>heures d\'insertion théoriques non portées par '
         f'les contrats soumis sans clause</div>',
         f'<div class="card muted"><b>{_n(counts[INDETERMINE])}</b>contrats indéterminés, faute de données '
         f'suffisantes</div></div>',
         '<p class="caveat">Les données essentielles n\'ont aucun champ pour publier une dérogation motivée : un '
         'contrat soumis sans clause publiée n\'est donc <b>jamais</b> un manquement établi. Les heures sont '
         'théoriques : elles résultent de la formule des facilitateurs (montant × part de main-d\'œuvre × taux '
         'd\'insertion ÷ coût horaire), avec des valeurs de pratique par segment.</p>']
    h.append("<h2>Part des contrats soumis qui portent une clause sociale, par année de notification</h2>")
    h.append(_chart_or_none(_subject_rows(data["par_annee"]), "par année"))
    h.append('<p class="note">n : contrats soumis à l\'obligation dont les données disent s\'ils portent une '
             'clause sociale ; les contrats indéterminés n\'y figurent pas.</p>')
    h.append("<h2>… par segment d'achat</h2>")
    h.append(_chart_or_none(_subject_rows(data["par_segment"]), "par segment"))
    h.append("<h2>Acheteurs dont les contrats soumis sans clause publiée représentent le plus d'heures</h2>")
    top = [(k, b) for k, b in data["par_acheteur"].items() if b["heures_non_portees"] > 0][:15]
    if top:
        h.append(charts.bars([(_buyer_label(k, b), b["heures_non_portees"]) for k, b in top], "h",
                             "Heures non portées par acheteur"))
        h.append('<div class="scroll"><table><tr><th>Acheteur</th><th>SIRET</th><th class="n">Contrats</th><th class="n">Soumis sans '
                 'clause</th><th class="n">Avec clause</th><th class="n">Heures non portées</th></tr>')
        for k, b in top:
            h.append(f'<tr><td>{escape(b["nom"] or "(nom non publié)")}</td><td>{escape(k)}</td>'
                     f'<td class="n">{_n(b["contrats"])}</td><td class="n">{_n(b[NON_CONFORME])}</td>'
                     f'<td class="n">{_n(b[CONFORME])}</td><td class="n">{_n(b["heures_non_portees"])}</td></tr>')
        h.append("</table></div>")
    else:
        h.append('<p class="note">Aucun contrat soumis sans clause publiée.</p>')
    h.append("<h2>Verdicts</h2><div class=\"scroll\"><table><tr><th>Verdict</th><th class=\"n\">Contrats</th><th class=\"n\">Montant "
             "initial HT</th><th class=\"n\">Heures théoriques</th></tr>")
    for key, label in VERDICT_LABELS.items():
        h.append(f'<tr><td>{escape(label)}</td><td class="n">{_n(v[key]["contrats"])}</td>'
                 f'<td class="n">{_n(v[key]["montant"])} €</td><td class="n">{_n(v[key]["heures"])}</td></tr>')
    h.append("</table></div>")
    h.append(_quality(data))
    h.append(_method(data))
    h.append('<footer>Données : Données essentielles de la commande publique, data.gouv.fr (Licence Ouverte 2.0). '
             'Produit par clausier audit ; le détail contrat par contrat est dans contrats.csv, les agrégats dans '
             'synthese.json.</footer></body></html>')
    return "\n".join(h)


def _dates(data: dict) -> str:
    on = data["options"]["date"]
    law = (f"droit du {on} appliqué à tous les contrats" if on
           else "droit en vigueur à la date de lancement estimée de chaque contrat")
    return f"produit le {data['date_execution']}, {law}"


def _buyer_label(siret: str, b: dict) -> str:
    return b["nom"] or f"SIRET {siret}"


def _chart_or_none(rows, what: str) -> str:
    if not any(sum(values.values()) for _, values in rows):
        return ('<p class="note">Aucun contrat soumis à l\'obligation avec une information publiée sur la clause '
                f'({escape(what)}). Voir les contrats indéterminés plus bas.</p>')
    return charts.stacked_shares([(label, values) for label, values in rows if sum(values.values())], PARTS,
                                 f"Part des contrats soumis avec clause sociale, {what}")


def _quality(data: dict) -> str:
    e = data["enregistrements"]
    h = ["<h2>Qualité des données : à lire avant de citer un chiffre</h2>",
         f'<p>{_n(e["lus"])} enregistrements lus, {_n(e["illisibles"])} illisibles, {_n(e["doublons_ecartes"])} '
         f'doublons écartés (le même contrat publié par plusieurs flux), {_n(e["contrats_distincts"])} contrats '
         f'distincts.</p><div class="scroll"><table><tr><th>Fichier</th><th>Format reconnu</th><th class="n">Enregistrements</th>'
         f'<th class="n">Illisibles</th><th class="n">Doublons</th></tr>']
    for name, f in data["fichiers"].items():
        h.append(f'<tr><td>{escape(name)}</td><td>{escape(FORMAT_LABELS.get(f["format"], "—"))}</td>'
                 f'<td class="n">{_n(f["enregistrements"])}</td><td class="n">{_n(f["illisibles"])}</td>'
                 f'<td class="n">{_n(f["doublons"])}</td></tr>')
    h.append("</table></div>")
    if data["illisibles_par_raison"]:
        h.append('<div class="scroll"><table><tr><th>Enregistrements illisibles : raison</th><th class="n">Nombre</th></tr>')
        h += [f'<tr><td>{escape(r)}</td><td class="n">{_n(n)}</td></tr>' for r, n in data["illisibles_par_raison"].items()]
        h.append("</table></div>")
    h.append('<div class="scroll"><table><tr><th>Particularité relevée</th><th class="n">Contrats</th></tr>')
    h += [f'<tr><td>{escape(FLAG_LABELS[f])}</td><td class="n">{_n(n)}</td></tr>' for f, n in data["drapeaux"].items()]
    h.append("</table></div>")
    reasons = list(data["indetermines_par_motif"].items())[:12]
    if reasons:
        h.append('<div class="scroll"><table><tr><th>Pourquoi un contrat est indéterminé</th><th class="n">Contrats</th></tr>')
        h += [f'<tr><td>{escape(r)}</td><td class="n">{_n(n)}</td></tr>' for r, n in reasons]
        h.append("</table></div>")
    src = data["type_acheteur_par_source"]
    h.append("<p>Le type d'acheteur n'est pas publié ; il a été déduit ainsi : " + ", ".join(
        f"{escape(SOURCE_LABELS.get(k, k))} ({_n(n)})" for k, n in src.items()) + ". Le seuil de l'État (plus bas) "
        "n'est retenu que sur le fichier des acheteurs ou un nom sans ambiguïté (ministère, préfecture, "
        "direction départementale…) ; le premier chiffre du SIREN ou l'hypothèse par défaut donnent le seuil "
        "des autres pouvoirs adjudicateurs, plus élevé. Un fichier des acheteurs (--buyers) rend ce choix "
        "exact.</p>")
    h.append("<p>Les lots publiés séparément et les marchés subséquents sont jugés sur leur propre montant : "
             "au-dessus du seuil, l'obligation est certaine ; en dessous, le contrat est indéterminé, car la valeur "
             "de l'ensemble n'est pas publiée.</p>")
    return "".join(h)


def _method(data: dict) -> str:
    lags = data["delais_lancement_mois"]
    rows = "".join(f'<tr><td>{escape(PROCEDURE_LABELS.get(k, k))}</td><td class="n">{v["mois"]} mois</td></tr>'
                   for k, v in lags.items())
    return ("<h2>Méthode</h2><p>Chaque contrat est décrit comme un marché pour le moteur de règles de clausier "
            "(montant initial, code CPV, procédure, type d'acheteur et de contrat), puis évalué avec le droit en "
            "vigueur à sa date de lancement. Cette date n'est pas publiée : elle est estimée en retranchant de la "
            "date de notification un délai usuel par procédure. Ces délais sont des <b>valeurs de pratique, non "
            "vérifiées</b>, réglables dans les paramètres des règles (pratique.delai_lancement_notification) :</p>"
            f"<div class=\"scroll\"><table><tr><th>Procédure</th><th class=\"n\">Délai retenu</th></tr>{rows}</table></div>"
            "<p>Un contrat est soumis lorsque les règles concluent qu'une condition d'exécution sociale est "
            "obligatoire (valeur estimée au moins égale au seuil européen applicable, consultation lancée à "
            "compter de l'entrée en vigueur de l'obligation). Il est conforme lorsque ses données publiées "
            "indiquent « Clause sociale ». Le format 2019 et certains exports tabulaires ne publient pas ce champ "
            ": leurs contrats soumis sont indéterminés.</p>")
