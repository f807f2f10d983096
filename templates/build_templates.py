"""Builds clausier's Word templates: the single source of `templates/*.docx`.

Run `python templates/build_templates.py` after editing; `tests/test_templates.py` checks that the
committed .docx files match what this script produces. Block headings start with a marker `⟦name⟧`
(a clause block decided by the rules); clausier removes it after rendering and anchors there a Word
comment giving the rule and article behind the block. Legal facts (articles, amounts, dates) never appear
here: they come from the decision (`bases`, `params`), i.e. from `rulesets/`.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

HERE = Path(__file__).resolve().parent
FIXED_DATE = (1980, 1, 1, 0, 0, 0)


class Doc:
    """A thin writer over python-docx with the few shapes our templates use."""

    def __init__(self, title: str):
        self.d = Document()
        styles = self.d.styles
        styles["Normal"].font.name = "Liberation Sans"
        styles["Normal"].font.size = Pt(10.5)
        styles["Normal"].paragraph_format.space_after = Pt(6)
        for name, size in (("Title", 18), ("Heading 1", 14), ("Heading 2", 12), ("Heading 3", 11)):
            styles[name].font.name = "Liberation Sans"
            styles[name].font.size = Pt(size)
            styles[name].font.color.rgb = RGBColor(0x1F, 0x3A, 0x5F)
        self.d.core_properties.title = title
        self.d.core_properties.author = "clausier"
        self.d.core_properties.comments = ""
        sec = self.d.sections[0]
        sec.header.paragraphs[0].text = "{{ doc.entete }}"
        sec.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        sec.footer.paragraphs[0].text = "{{ doc.pied }}"

    def title(self, text):
        self.d.add_paragraph(text, style="Title")

    def h1(self, text, page_break=False):
        par = self.d.add_paragraph(text, style="Heading 1")
        par.paragraph_format.page_break_before = page_break

    def h2(self, text, block=None):
        self.d.add_paragraph((f"⟦{block}⟧" if block else "") + text, style="Heading 2")

    def p(self, text, style=None, italic=False):
        par = self.d.add_paragraph(style=style)
        run = par.add_run(text)
        run.italic = italic
        return par

    def tag(self, text):
        """A paragraph holding only a docxtpl structural tag ({%p … %}); removed at render."""
        self.d.add_paragraph(text)

    def bullets(self, loop_expr, item="item"):
        self.tag(f"{{%p for {item} in {loop_expr} %}}")
        self.d.add_paragraph(f"{{{{ {item} }}}}", style="List Bullet")
        self.tag("{%p endfor %}")

    def table(self, headers, row_cells, loop):
        t = self.d.add_table(rows=4, cols=len(headers))
        t.style = "Table Grid"
        for i, h in enumerate(headers):
            t.cell(0, i).text = h
            t.cell(0, i).paragraphs[0].runs[0].bold = True
        t.cell(1, 0).text = f"{{%tr for {loop} %}}"
        for i, c in enumerate(row_cells):
            t.cell(2, i).text = c
        t.cell(3, 0).text = "{%tr endfor %}"
        self.d.add_paragraph()

    def save(self, path: Path):
        buf = io.BytesIO()
        self.d.save(buf)
        path.write_bytes(_stable_zip(buf.getvalue()))


def _stable_zip(data: bytes) -> bytes:
    """Same template source -> same bytes: fixed timestamps, stable member order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, FIXED_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# --- shared pieces -------------------------------------------------------------------------------

def preamble(doc: Doc, heading: str):
    doc.title(heading)
    doc.p("{{ doc.sous_titre }}", italic=True)
    doc.p("Objet : {{ marche.titre }}")
    doc.p("{{ marche.acheteur_libelle }} : {{ marche.acheteur }} — Référence : {{ marche.reference }}")
    doc.p("Montant estimé : {{ marche.montant }} HT — {{ marche.contrat }} — {{ marche.procedure }} — "
          "segment : {{ marche.segment }}{{ marche.cpv_mention }}")
    doc.p("Projet généré le droit applicable au {{ doc.date_droit }} ({{ doc.date_origine }}), "
          "version des règles {{ doc.version }}. Document à relire et à adapter avant insertion dans les "
          "pièces du marché ; les mentions surlignées en jaune sont à compléter.", italic=True)


def lots_table(doc: Doc):
    doc.tag("{%p if lots %}")
    doc.p("Le marché est alloti ; l'engagement d'insertion est fixé lot par lot :")
    doc.table(["Lot", "Intitulé", "Montant estimé HT", "Mode", "Heures d'insertion"],
              ["{{ lot.numero }}", "{{ lot.titre }}", "{{ lot.montant }}", "{{ lot.mode }}", "{{ lot.heures }}"],
              "lot in lots")
    doc.tag("{%p endif %}")


def derogation(doc: Doc):
    doc.tag("{%p if blocs.derogation %}")
    doc.h2("Motifs de la dérogation à la condition d'exécution sociale", "derogation")
    doc.p("En application de {{ bases.derogation }}, l'acheteur ne prévoit pas de condition d'exécution "
          "sociale obligatoire au motif que {{ derogation.motif }}.")
    doc.p("Justification consignée par l'acheteur : « {{ derogation.justification }} »")
    doc.tag("{%p endif %}")


def reserve(doc: Doc):
    doc.tag("{%p if blocs.reserve %}")
    doc.h2("Marché réservé", "reserve")
    doc.p("Le présent contrat est réservé, en application de {{ bases.reserve }}, aux "
          "{{ reserve.beneficiaires }}.{{ reserve.proportion_phrase }}")
    doc.p("Mention à reproduire dans l'avis de publicité (ou, à défaut d'avis, dans les documents de la "
          "consultation) : « {{ reserve.mention }} »")
    doc.tag("{%p endif %}")
    doc.tag("{%p if blocs.reserve_ess %}")
    doc.h2("Marché réservé aux entreprises de l'économie sociale et solidaire", "reserve_ess")
    doc.p("Le présent marché est réservé, en application de {{ bases.reserve_ess }}, aux entreprises de "
          "l'économie sociale et solidaire et aux structures équivalentes dont l'objectif est d'assumer une "
          "mission de service public liée à la prestation des services concernés. Sa durée ne peut excéder "
          "{{ reserve.duree_max }}.")
    doc.tag("{%p endif %}")


def contract_extras(doc: Doc):
    doc.tag("{%p if blocs.part_pme %}")
    doc.h2("Part de l'exécution confiée à des PME ou à des artisans", "part_pme")
    doc.p("Le titulaire s'engage à confier à des petites et moyennes entreprises ou à des artisans une part "
          "de l'exécution du contrat au moins égale à {{ pme.part }}, en application de {{ bases.part_pme }}. Cette part est "
          "justifiée dans le rapport annuel du titulaire.")
    doc.tag("{%p endif %}")
    doc.tag("{%p if blocs.rapport_concession %}")
    doc.h2("Rapport annuel du concessionnaire", "rapport_concession")
    doc.p("Le rapport annuel du concessionnaire décrit les mesures prises, pendant l'exécution du contrat, en "
          "faveur de l'insertion par l'activité économique, conformément à {{ bases.rapport_concession }} : heures réalisées, "
          "personnes concernées, modalités mises en œuvre et résultats des parcours.")
    doc.tag("{%p endif %}")


def publics(doc: Doc, who="le titulaire"):
    doc.h2("Publics éligibles", "publics_eligibles")
    doc.p(f"Les heures d'insertion bénéficient à des personnes éloignées de l'emploi, notamment :")
    doc.bullets("contenus.publics_eligibles")
    doc.p("L'éligibilité de chaque personne est vérifiée par le facilitateur avant son embauche ou sa mise à "
          "disposition. Aucune condition de nationalité ou de lieu de résidence n'est exigée.")


def facilitator(doc: Doc):
    doc.h2("Accompagnement par le facilitateur", "facilitateur")
    doc.p("Le titulaire est accompagné gratuitement par le facilitateur de la clause : {{ facilitateur.nom }} "
          "({{ facilitateur.contact }}). Le facilitateur aide le titulaire à identifier les candidats, vérifie "
          "leur éligibilité, conseille sur les modalités de mise en œuvre et suit l'exécution de l'engagement.")
    doc.p("Le titulaire désigne, dans un délai de [à compléter : nombre] jours à compter de la notification, un "
          "correspondant chargé de la mise en œuvre de la clause, et participe aux réunions de suivi organisées "
          "par le facilitateur.")


def follow_up(doc: Doc, buyer="l'acheteur"):
    doc.h2("Suivi et justificatifs", "suivi")
    doc.p(f"Le titulaire transmet au facilitateur et à {buyer}, selon une périodicité "
          "[à compléter : mensuelle ou trimestrielle] :")
    doc.bullets("contenus.justificatifs")
    doc.p("Le titulaire signale sans délai toute difficulté de nature à compromettre la réalisation de "
          "l'engagement ; lorsque la difficulté ne lui est pas imputable, les parties peuvent convenir d'adapter "
          "l'engagement.")


def annex(doc: Doc):
    doc.tag("{%p if annexe %}")
    doc.h1("Annexe – Justification des choix (à l'usage du service juridique)", page_break=True)
    doc.p("Cette annexe n'a pas vocation à figurer dans les pièces du marché. Elle retrace, pour la personne "
          "qui relit le projet, les règles appliquées et leur fondement.", italic=True)
    doc.h2("Marché tel qu'il a été compris")
    doc.table(["Donnée", "Valeur"], ["{{ row.cle }}", "{{ row.valeur }}"], "row in annexe.marche")
    doc.h2("Droit applicable")
    doc.p("{{ annexe.droit }}")
    doc.h2("Décision")
    doc.bullets("annexe.decision", "ligne")
    doc.tag("{%p if annexe.heures %}")
    doc.h2("Calcul des heures d'insertion")
    doc.p("{{ annexe.heures.formule }}")
    doc.bullets("annexe.heures.lignes", "ligne")
    doc.tag("{%p endif %}")
    doc.tag("{%p if annexe.obligations %}")
    doc.h2("Obligations")
    doc.bullets("annexe.obligations", "ligne")
    doc.tag("{%p endif %}")
    doc.tag("{%p if annexe.avertissements %}")
    doc.h2("Avertissements et points non vérifiés")
    doc.bullets("annexe.avertissements", "ligne")
    doc.tag("{%p endif %}")
    doc.tag("{%p if annexe.recommandations %}")
    doc.h2("Recommandations")
    doc.bullets("annexe.recommandations", "ligne")
    doc.tag("{%p endif %}")
    doc.h2("Règles appliquées, dans l'ordre")
    doc.table(["N°", "Règle", "Fondement", "Établit"],
              ["{{ step.n }}", "{{ step.libelle }} ({{ step.id }})", "{{ step.fondement }}", "{{ step.faits }}"],
              "step in annexe.regles")
    doc.h2("Références")
    doc.bullets("annexe.references", "ligne")
    doc.tag("{%p endif %}")


# --- public buyers -------------------------------------------------------------------------------

def public_condition_execution() -> Doc:
    doc = Doc("Clause sociale d'insertion – condition d'exécution")
    preamble(doc, "Clause sociale d'insertion – condition d'exécution")
    doc.p("À insérer dans le cahier des clauses administratives particulières (CCAP).", italic=True)
    doc.h1("Article [à compléter : numéro] – Action d'insertion professionnelle")
    doc.h2("Objet de la clause", "objet_clause")
    doc.p("En application de {{ bases.objet_clause }}, le titulaire s'engage à réaliser, à l'occasion de "
          "l'exécution du présent marché, une action d'insertion permettant l'accès ou le retour à l'emploi de "
          "personnes rencontrant des difficultés sociales ou professionnelles particulières.")
    doc.tag("{%p if blocs.mention_obligation_sociale %}")
    doc.p("La valeur estimée du marché atteignant le seuil européen applicable, cette condition d'exécution "
          "sociale est obligatoire, en application de {{ bases.mention_obligation_sociale }}.")
    doc.tag("{%p endif %}")
    doc.tag("{%p if blocs.ccag %}")
    doc.p("Le présent article précise la clause d'insertion sociale du cahier des clauses administratives "
          "générales auquel le marché fait référence, conformément à {{ bases.ccag }} : il en fixe le périmètre, les publics "
          "éligibles, le volume d'heures et le facilitateur.")
    doc.tag("{%p endif %}")
    doc.h2("Volume d'heures d'insertion", "heures")
    doc.p("Le titulaire réalise au minimum {{ heures.valeur }} heures de travail au bénéfice des publics "
          "définis ci-après, pendant la durée d'exécution du marché.")
    doc.p("Ce volume résulte du calcul suivant : {{ heures.calcul }}.")
    doc.tag("{%p if blocs.heures_accord_cadre %}")
    doc.p("Le marché étant un accord-cadre, ce volume est calculé sur son montant maximum : les heures dues "
          "sont proportionnelles au montant des commandes effectivement passées.")
    doc.tag("{%p endif %}")
    lots_table(doc)
    publics(doc)
    doc.h2("Modalités de mise en œuvre", "modalites_execution")
    doc.p("Le titulaire choisit librement la manière de réaliser ces heures, seule ou en combinaison :")
    doc.bullets("contenus.modalites_execution")
    doc.p("La présente clause n'impose ni une modalité particulière, ni un type de contrat de travail. Les heures "
          "réalisées par des personnes éligibles au-delà de l'engagement peuvent, à la demande du titulaire et "
          "avec l'accord du facilitateur, être reportées pour prolonger un parcours.")
    facilitator(doc)
    follow_up(doc)
    doc.h2("Pénalités", "penalites")
    doc.p("Si l'engagement n'est pas tenu, le titulaire est invité à présenter ses observations dans le cadre "
          "d'une procédure contradictoire. À son issue, l'acheteur peut appliquer une pénalité de "
          "{{ penalite.montant }} par heure d'insertion non réalisée.")
    doc.p("Une pénalité de [à compléter : montant] € HT par état de suivi non transmis dans le délai peut en "
          "outre être appliquée, après mise en demeure restée sans effet.")
    doc.tag("{%p if blocs.ccag %}")
    doc.p("Ces pénalités s'appliquent dans les conditions du CCAG auquel le marché se réfère.")
    doc.tag("{%p endif %}")
    derogation(doc)
    reserve(doc)
    contract_extras(doc)
    annex(doc)
    return doc


def public_critere_attribution() -> Doc:
    doc = Doc("Critère d'attribution – performances en matière d'insertion")
    preamble(doc, "Critère d'attribution – performances en matière d'insertion professionnelle")
    doc.p("À insérer dans le règlement de la consultation (RC).", italic=True)
    doc.h1("Article [à compléter : numéro] – Jugement des offres")
    doc.h2("Critères d'attribution", "tableau_criteres")
    doc.p("Les offres sont appréciées selon les critères suivants, {{ criteres.intro }} :")
    doc.table(["Critère", "{{ criteres.entete }}"], ["{{ c.libelle }}", "{{ c.poids }}"], "c in criteres.lignes")
    doc.tag("{%p if blocs.environnement_obligatoire %}")
    doc.p("Conformément à {{ bases.environnement_obligatoire }}, au moins un critère prend en compte les "
          "caractéristiques environnementales de l'offre ; le critère d'insertion s'y ajoute.")
    doc.tag("{%p endif %}")
    doc.tag("{%p if blocs.ponderation %}")
    doc.p("La pondération des critères est fixée dans le respect de {{ bases.ponderation }}.")
    doc.tag("{%p endif %}")
    doc.tag("{%p if blocs.criteres_hierarchises %}")
    doc.p("Les critères sont classés par ordre décroissant d'importance, conformément à {{ bases.criteres_hierarchises }}.")
    doc.tag("{%p endif %}")
    doc.h2("Critère « performances en matière d'insertion professionnelle des publics en difficulté »",
           "sous_criteres_insertion")
    doc.p("Ce critère, fondé sur {{ bases.sous_criteres_insertion }}, est apprécié au regard des sous-critères "
          "suivants, de même poids sauf mention contraire :")
    doc.bullets("contenus.sous_criteres_insertion")
    doc.h2("Note d'insertion à joindre à l'offre", "memoire_insertion")
    doc.p("Chaque candidat joint à son offre une note d'insertion de [à compléter : nombre] pages au plus, "
          "décrivant :")
    doc.bullets("contenus.memoire_insertion")
    doc.p("Les engagements pris dans cette note ont valeur contractuelle.")
    doc.tag("{%p if blocs.notation %}")
    doc.h2("Méthode de notation", "notation")
    doc.p("Chaque sous-critère est noté selon l'échelle suivante ; la note du critère est la moyenne des notes "
          "des sous-critères, ramenée à sa pondération :")
    doc.bullets("contenus.notation")
    doc.tag("{%p endif %}")
    doc.tag("{%p if blocs.rappel_condition_obligatoire %}")
    doc.h2("Rappel : condition d'exécution sociale obligatoire", "rappel_condition_obligatoire")
    doc.p("La valeur estimée du marché atteignant le seuil européen, ce critère ne dispense pas de la condition "
          "d'exécution sociale obligatoire prévue par {{ bases.rappel_condition_obligatoire }}, à insérer dans le CCAP.")
    doc.tag("{%p endif %}")
    derogation(doc)
    reserve(doc)
    contract_extras(doc)
    annex(doc)
    return doc


def public_objet_marche() -> Doc:
    doc = Doc("Marché d'insertion et de qualification professionnelle")
    preamble(doc, "Marché d'insertion et de qualification professionnelle")
    doc.p("Articles à insérer dans l'acte d'engagement, le CCAP et le règlement de la consultation.", italic=True)
    doc.h1("Article 1 – Objet du marché")
    doc.h2("Objet", "objet_insertion")
    doc.p("Le présent marché a pour objet l'insertion et la qualification professionnelle de personnes "
          "rencontrant des difficultés sociales et professionnelles particulières, par leur mise en situation "
          "de travail sur le support d'activité suivant : {{ marche.support }}.")
    doc.p("Volume prévisionnel : [à compléter : nombre de personnes accompagnées et d'heures de mise en "
          "situation de travail].")
    doc.h2("Prestations attendues", "activite_support")
    doc.p("Le titulaire assure :")
    doc.bullets("contenus.prestations_insertion")
    doc.p("L'activité support n'est pas l'objet du marché : elle sert de cadre aux parcours d'insertion, et sa "
          "réalisation s'apprécie au regard de cet objectif.")
    publics(doc)
    facilitator(doc)
    follow_up(doc)
    doc.h1("Article 2 – Procédure de passation")
    doc.h2("Procédure", "procedure_sss")
    doc.p("Le marché relève des services sociaux et autres services spécifiques{{ marche.cpv_mention }} : il est "
          "passé selon une procédure adaptée, en application de {{ bases.procedure_sss }}.")
    doc.tag("{%p if blocs.publicite_joue %}")
    doc.p("Sa valeur estimée atteignant le seuil européen des services sociaux et spécifiques, un avis est publié "
          "au Journal officiel de l'Union européenne.")
    doc.tag("{%p endif %}")
    doc.h1("Article 3 – Critères d'attribution")
    doc.h2("Critères", "criteres_objet")
    doc.p("Les offres sont appréciées selon les critères suivants, {{ criteres.intro }} :")
    doc.table(["Critère", "{{ criteres.entete }}"], ["{{ c.libelle }}", "{{ c.poids }}"], "c in criteres.lignes")
    doc.tag("{%p if blocs.environnement_obligatoire %}")
    doc.p("Conformément à {{ bases.environnement_obligatoire }}, au moins un critère prend en compte les "
          "caractéristiques environnementales de l'offre.")
    doc.tag("{%p endif %}")
    derogation(doc)
    reserve(doc)
    contract_extras(doc)
    annex(doc)
    return doc


# --- private buyers ------------------------------------------------------------------------------

def prive_condition_execution() -> Doc:
    doc = Doc("Clause d'insertion – contrat fournisseur")
    preamble(doc, "Clause d'insertion – contrat fournisseur")
    doc.p("À insérer dans le contrat conclu avec le fournisseur (conditions particulières).", italic=True)
    doc.h1("Article [à compléter : numéro] – Engagement d'insertion du fournisseur")
    doc.h2("Objet de l'engagement", "objet_clause")
    doc.p("Le fournisseur s'engage à réaliser, à l'occasion de l'exécution du présent contrat, une action "
          "d'insertion permettant l'accès ou le retour à l'emploi de personnes rencontrant des difficultés "
          "sociales ou professionnelles particulières. Cet engagement est librement convenu entre les parties ; "
          "il fait partie des obligations essentielles du contrat.")
    doc.h2("Volume d'heures d'insertion", "heures")
    doc.p("Le fournisseur réalise au minimum {{ heures.valeur }} heures de travail au bénéfice des publics "
          "définis ci-après, pendant la durée du contrat.")
    doc.p("Ce volume résulte du calcul suivant : {{ heures.calcul }}.")
    lots_table(doc)
    publics(doc, "le fournisseur")
    doc.h2("Modalités de mise en œuvre", "modalites_execution")
    doc.p("Le fournisseur choisit librement la manière de réaliser ces heures, seule ou en combinaison :")
    doc.bullets("contenus.modalites_execution")
    doc.p("Le présent article n'impose ni une modalité particulière, ni un type de contrat de travail.")
    doc.h2("Accompagnement", "facilitateur")
    doc.p("Le fournisseur peut être accompagné par un facilitateur de clauses sociales ou une structure "
          "d'accompagnement : {{ facilitateur.nom }} ({{ facilitateur.contact }}), qui l'aide à identifier "
          "les candidats et vérifie leur éligibilité.")
    follow_up(doc, buyer="la société cliente")
    doc.h2("Pénalités", "penalites")
    doc.p("Si l'engagement n'est pas tenu, et après un échange contradictoire permettant au fournisseur de "
          "s'expliquer, la société cliente peut appliquer une pénalité de {{ penalite.montant }} par heure "
          "d'insertion non réalisée. Cette pénalité reste proportionnée au manquement constaté.")
    doc.tag("{%p if blocs.oeth %}")
    oeth(doc)
    doc.tag("{%p endif %}")
    annex(doc)
    return doc


def oeth(doc: Doc):
    doc.h2("Obligation d'emploi des travailleurs handicapés", "oeth")
    doc.p("{{ oeth.texte }}")
    doc.p("Le fournisseur remet à la société cliente l'attestation annuelle prévue à cet effet, qui permet la "
          "déclaration de la dépense dans la déclaration sociale nominative.")


def prive_critere_attribution() -> Doc:
    doc = Doc("Grille de sélection des fournisseurs – insertion")
    preamble(doc, "Critère de sélection des fournisseurs – performance en matière d'insertion")
    doc.p("À insérer dans le cahier des charges de la consultation de fournisseurs.", italic=True)
    doc.h1("Article [à compléter : numéro] – Sélection des fournisseurs")
    doc.h2("Grille de sélection", "grille_fournisseur")
    doc.p("Les propositions sont appréciées selon les critères suivants, {{ criteres.intro }} :")
    doc.table(["Critère", "{{ criteres.entete }}"], ["{{ c.libelle }}", "{{ c.poids }}"], "c in criteres.lignes")
    doc.p("Le critère « performance en matière d'insertion » est apprécié au regard des éléments suivants :")
    doc.bullets("contenus.criteres_fournisseur")
    doc.h2("Note d'insertion à joindre à la proposition", "memoire_insertion")
    doc.p("Chaque fournisseur joint à sa proposition une note d'insertion de [à compléter : nombre] pages au "
          "plus, décrivant :")
    doc.bullets("contenus.memoire_insertion")
    doc.p("Les engagements pris dans cette note sont repris dans le contrat conclu avec le fournisseur retenu.")
    annex(doc)
    return doc


def prive_objet_marche() -> Doc:
    doc = Doc("Achat direct auprès d'une structure inclusive")
    preamble(doc, "Achat direct auprès d'une structure inclusive")
    doc.p("Conditions particulières de la commande passée de gré à gré.", italic=True)
    doc.h1("Article 1 – Objet de la commande")
    doc.h2("Objet", "achat_direct")
    doc.p("La présente commande porte sur la prestation suivante : {{ marche.titre }} ({{ marche.support }}). "
          "Elle est confiée à {{ achat.fournisseur }} : [à compléter : raison sociale et numéro SIRET], "
          "choisie pour sa capacité à réaliser la prestation et pour son projet d'insertion.")
    doc.p("Le fournisseur s'engage à réaliser la prestation en mobilisant les personnes qu'il accompagne ; il "
          "informe la société cliente, à la fin de la commande, du nombre de personnes et d'heures mobilisées.")
    doc.h1("Article 2 – Prix et conditions d'exécution")
    doc.p("Prix : [à compléter : montant HT et modalités de révision]. Délai d'exécution : [à compléter]. "
          "Lieu d'exécution : [à compléter].")
    doc.p("Le prix est payé dans un délai de [à compléter : nombre] jours à réception de la facture.")
    doc.tag("{%p if blocs.oeth %}")
    oeth(doc)
    doc.tag("{%p endif %}")
    annex(doc)
    return doc


TEMPLATES = {
    "public_condition_execution.docx": public_condition_execution,
    "public_critere_attribution.docx": public_critere_attribution,
    "public_objet_marche.docx": public_objet_marche,
    "prive_condition_execution.docx": prive_condition_execution,
    "prive_critere_attribution.docx": prive_critere_attribution,
    "prive_objet_marche.docx": prive_objet_marche,
}


def build(target: Path = HERE) -> list[Path]:
    """Write every template into `target`; returns the paths written."""
    paths = []
    for name, make in TEMPLATES.items():
        path = target / name
        make().save(path)
        paths.append(path)
    return paths


if __name__ == "__main__":
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for p in build(out):
        print(p)
