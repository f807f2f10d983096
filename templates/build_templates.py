"""Builds clausier's Word templates: the single source of `templates/*.docx`.

Run `python templates/build_templates.py` after editing and commit the script with the .docx files;
`tests/test_templates.py` checks that the committed files are byte for byte what this script produces.

Markers the templates put in headings, replaced after rendering (engine/_docx_post.py):
- `⟦#⟧` article number (1, 2…), `⟦#.#⟧` paragraph of the current article (1.1, 1.2…), `⟦A.#⟧` annex
  section (A.1…): explicit numbers in the heading text, so that they survive pasting into another file;
- `⟦block⟧` a clause block decided by the rules: removed, and a Word comment giving the rule and the
  article behind the block is anchored on the heading and its paragraphs.

Legal facts (articles, amounts, dates) never appear here: they come from the decision (`bases`,
`bases_de`, `bases_a`, `reserve`, `pme`…), i.e. from `rulesets/`. Wording lists come from
`rulesets/contenus.yaml` (`contenus`). The context is documented in docs/template-context.md.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout: reuse engine's writer
from engine.documents.word.zip_members import stable_zip  # noqa: E402 - after the path set-up above

HERE = Path(__file__).resolve().parent
FONT = "Liberation Sans"
BLUE = RGBColor(0x1F, 0x3A, 0x5F)
GREY = RGBColor(0x59, 0x59, 0x59)
TEXT_WIDTH_CM = 16.6  # A4 (21 cm) minus 2.2 cm margins


def _plain_font(style, name: str = FONT) -> None:
    """Use `name` for every script and drop theme fonts, which would otherwise win over it."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), name)


def _plain_color(style, color: RGBColor) -> None:
    style.font.color.rgb = color
    node = style.element.rPr.find(qn("w:color"))
    for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
        node.attrib.pop(qn(attr), None)


class Doc:
    """A thin writer over python-docx with the few shapes our templates use."""

    def __init__(self, title: str):
        self.d = Document()
        styles = self.d.styles
        normal = styles["Normal"]
        _plain_font(normal)
        normal.font.size = Pt(10.5)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "fr-FR")
        normal.element.get_or_add_rPr().append(lang)
        for name, size, before in (("Title", 16, 0), ("Heading 1", 13, 18), ("Heading 2", 11, 12)):
            style = styles[name]
            _plain_font(style)
            _plain_color(style, BLUE)
            style.font.size = Pt(size)
            style.font.bold = True
            style.paragraph_format.space_before = Pt(before)
            style.paragraph_format.space_after = Pt(6)
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
            style.paragraph_format.keep_with_next = True
        styles["List Bullet"].paragraph_format.space_after = Pt(3)
        self.d.core_properties.title = title
        self.d.core_properties.author = "clausier"
        self.d.core_properties.comments = ""
        sec = self.d.sections[0]
        sec.page_width, sec.page_height = Mm(210), Mm(297)
        for side in ("left_margin", "right_margin"):
            setattr(sec, side, Cm(2.2))
        sec.top_margin, sec.bottom_margin = Cm(2.0), Cm(2.0)
        head = sec.header.paragraphs[0]
        head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._small(head.add_run("{{ doc.entete }}"))
        foot = sec.footer.paragraphs[0]
        foot.alignment = WD_ALIGN_PARAGRAPH.LEFT
        self._small(foot.add_run("{{ doc.pied }} — page "))
        self._page_field(foot)

    @staticmethod
    def _small(run):
        run.font.size = Pt(8)
        run.font.color.rgb = GREY
        return run

    def _page_field(self, paragraph):
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        paragraph._p.append(field)

    def title(self, text):
        self.d.add_paragraph(text, style="Title")

    def h1(self, text, page_break=False):
        par = self.d.add_paragraph(text, style="Heading 1")
        par.paragraph_format.page_break_before = page_break

    def h2(self, text, block=None):
        """A numbered paragraph heading (`⟦#.#⟧`), carrying its block marker when it is a rule's block."""
        self.d.add_paragraph((f"⟦{block}⟧" if block else "") + "⟦#.#⟧ " + text, style="Heading 2")

    def annex_h2(self, text):
        self.d.add_paragraph("⟦A.#⟧ " + text, style="Heading 2")

    def p(self, text, italic=False, size=None):
        par = self.d.add_paragraph()
        run = par.add_run(text)
        run.italic = italic
        if size:
            run.font.size = Pt(size)
        return par

    def tag(self, text):
        """A paragraph holding only a docxtpl structural tag ({%p … %}); removed at render."""
        self.d.add_paragraph(text)

    def bullets(self, loop_expr, item="item"):
        self.tag(f"{{%p for {item} in {loop_expr} %}}")
        self.d.add_paragraph(f"{{{{ {item} }}}}", style="List Bullet")
        self.tag("{%p endfor %}")

    def table(self, headers, row_cells, loop, widths=None, size=None):
        """A table whose body rows repeat over `loop` ({%tr for %}); widths in cm (default: equal)."""
        t = self.d.add_table(rows=4, cols=len(headers))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        t.autofit = False
        widths = widths or [TEXT_WIDTH_CM / len(headers)] * len(headers)
        for i, h in enumerate(headers):
            t.cell(0, i).text = h
            t.cell(0, i).paragraphs[0].runs[0].bold = True
        t.cell(1, 0).text = f"{{%tr for {loop} %}}"
        for i, c in enumerate(row_cells):
            t.cell(2, i).text = c
        t.cell(3, 0).text = "{%tr endfor %}"
        self._shape(t, widths, size)
        self.d.add_paragraph()

    def info_table(self, rows):
        """A two-column table of fixed rows (label, value)."""
        t = self.d.add_table(rows=len(rows), cols=2)
        t.style = "Table Grid"
        t.autofit = False
        for i, (label, value) in enumerate(rows):
            t.cell(i, 0).text = label
            t.cell(i, 0).paragraphs[0].runs[0].bold = True
            t.cell(i, 1).text = value
        self._shape(t, [4.6, TEXT_WIDTH_CM - 4.6], 9.5)
        self.d.add_paragraph()

    @staticmethod
    def _shape(t, widths, size):
        grid = t._tbl.tblGrid
        for col, w in zip(grid.findall(qn("w:gridCol")), widths):
            col.set(qn("w:w"), str(int(Cm(w).twips)))
        for row in t.rows:
            for cell, w in zip(row.cells, widths):
                cell.width = Cm(w)
                for par in cell.paragraphs:
                    par.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
                    par.paragraph_format.space_after = Pt(0)
                    for run in par.runs:
                        if size:
                            run.font.size = Pt(size)

    def save(self, path: Path):
        buf = io.BytesIO()
        self.d.save(buf)
        path.write_bytes(stable_zip(buf.getvalue()))


# --- shared pieces -------------------------------------------------------------------------------

def preamble(doc: Doc, heading: str, destination: str):
    """Title, the market at a glance, and how to use the draft."""
    doc.title(heading)
    doc.info_table([
        ("{{ marche.acheteur_libelle }}", "{{ marche.acheteur }}"),
        ("Objet", "{{ marche.titre }}"),
        ("Référence", "{{ marche.reference }}"),
        ("Montant estimé", "{{ marche.montant }} HT — {{ marche.contrat }}, {{ marche.procedure }}"),
        ("Secteur", "{{ marche.segment }}{{ marche.cpv_mention }}"),
        ("Forme de la clause", "{{ doc.sous_titre }}"),
        ("Droit appliqué", "droit applicable au {{ doc.date_droit }} ({{ doc.date_origine }}) ; "
                           "règles clausier version {{ doc.version }}"),
        ("Destination", destination),
    ])
    doc.p("Projet à relire et à adapter avant insertion : les mentions surlignées en jaune sont à compléter ; "
          "les articles sont numérotés 1, 1.1, 1.2… en texte simple, à renuméroter selon le plan du document "
          "d'accueil.{{ doc.aide_relecture }}", italic=True, size=9)


def lots_hours(doc: Doc):
    doc.tag("{%p if lots %}")
    doc.p("Le marché est alloti : pour chaque lot, le {{ marche.titulaire }} réalise au minimum le volume d'heures de travail "
          "indiqué ci-dessous au bénéfice des publics définis ci-après, pendant la durée d'exécution du lot.")
    doc.table(["Lot", "Intitulé", "Montant estimé HT", "Heures d'insertion", "Calcul"],
              ["{{ lot.numero }}", "{{ lot.titre }}", "{{ lot.montant }}", "{{ lot.heures }}", "{{ lot.calcul }}"],
              "lot in lots", widths=[1.2, 5.2, 3.0, 2.6, 4.6], size=9.5)
    doc.p("Chaque volume résulte du calcul suivant : montant estimé du lot HT × part de main-d'œuvre × taux "
          "d'insertion ÷ coût horaire moyen chargé, arrondi à l'heure la plus proche.")
    doc.tag("{%p else %}")
    doc.p("Le {{ marche.titulaire }} réalise au minimum {{ heures.valeur }} heures de travail au bénéfice des publics "
          "définis ci-après, pendant la durée d'exécution du {{ marche.designation }}.")
    doc.p("Ce volume résulte du calcul suivant : {{ heures.calcul }}.")
    doc.tag("{%p endif %}")


def derogation(doc: Doc):
    doc.tag("{%p if blocs.derogation %}")
    doc.h2("Dérogation à la condition d'exécution sociale obligatoire", "derogation")
    # the reasons are recorded in the buyer's file, not in the documents bidders receive (the annex has them)
    doc.p("En application {{ bases_de.derogation }}, l'{{ marche.role_acheteur }} ne prévoit pas de condition d'exécution "
          "sociale obligatoire ; les motifs de cette décision sont consignés dans le dossier du "
          "{{ marche.designation }}.")
    doc.tag("{%p endif %}")


def reserve(doc: Doc):
    doc.tag("{%p if blocs.reserve %}")
    doc.h2("Marché réservé", "reserve")
    doc.p("Le présent marché est réservé, en application {{ reserve.article_de }}, aux "
          "{{ reserve.beneficiaires }}. {{ reserve.proportion_phrase }}")
    doc.p("Mention à reproduire dans l'avis de publicité (à défaut d'avis, dans les documents de la "
          "consultation) et dans le règlement de la consultation : « {{ reserve.mention }} »")
    doc.p("Chaque candidat justifie, à l'appui de sa candidature, qu'il relève de l'une de ces catégories : "
          "[à compléter : pièces demandées, par exemple conventionnement ou agrément en cours de validité].")
    doc.tag("{%p endif %}")
    doc.tag("{%p if reserve.lots %}")
    doc.h2("Lots réservés", "reserve_lots")
    doc.tag("{%p for l in reserve.lots %}")
    doc.p("Lot n° {{ l.numero }} ({{ l.titre }}) : lot réservé, en application {{ l.article_de }}, aux "
          "{{ l.beneficiaires }}. {{ l.proportion_phrase }} Mention à reproduire dans l'avis de publicité et "
          "dans le règlement de la consultation : « {{ l.mention }} »")
    doc.tag("{%p endfor %}")
    doc.tag("{%p endif %}")
    doc.tag("{%p if blocs.reserve_ess %}")
    doc.h2("Marché réservé aux entreprises de l'économie sociale et solidaire", "reserve_ess")
    doc.p("Le présent marché est réservé, en application {{ bases_de.reserve_ess }}, aux entreprises de "
          "l'économie sociale et solidaire et aux structures équivalentes dont l'objectif est d'assumer une "
          "mission de service public liée à la prestation des services concernés. Sa durée n'excède pas "
          "{{ reserve.duree_max }}.")
    doc.p("Mention à reproduire dans l'avis de publicité : « {{ reserve.mention }} »")
    doc.tag("{%p endif %}")


def contract_extras(doc: Doc):
    doc.tag("{%p if blocs.part_pme %}")
    doc.h2("Part de l'exécution confiée à des PME ou à des artisans", "part_pme")
    doc.p("Le {{ marche.titulaire }} s'engage à confier à des petites et moyennes entreprises ou à des artisans une part "
          "de l'exécution du contrat au moins égale à {{ pme.part }}, en application {{ bases_de.part_pme }}. "
          "Cette part est justifiée dans le rapport annuel du {{ marche.titulaire }}.")
    doc.tag("{%p endif %}")
    doc.tag("{%p if blocs.rapport_concession %}")
    doc.h2("Rapport annuel du concessionnaire", "rapport_concession")
    doc.p("Conformément {{ bases_a.rapport_concession }}, le rapport annuel du concessionnaire décrit les "
          "mesures prises, pendant l'exécution du contrat, en faveur de l'insertion par l'activité économique : "
          "heures réalisées, personnes concernées, modalités mises en œuvre et résultats des parcours.")
    doc.tag("{%p endif %}")


def publics(doc: Doc):
    doc.h2("Publics éligibles", "publics_eligibles")
    doc.p("Les heures d'insertion bénéficient à des personnes éloignées de l'emploi, notamment :")
    doc.bullets("contenus.publics_eligibles")
    doc.p("L'éligibilité de chaque personne est vérifiée par le facilitateur avant son embauche ou sa mise à "
          "disposition. Aucune condition de nationalité ou de lieu de résidence n'est exigée.")


def facilitator(doc: Doc):
    party = "le {{ marche.titulaire }}"
    doc.h2("Facilitateur", "facilitateur")
    doc.p(f"{party.capitalize()} est accompagné gratuitement par le facilitateur de la clause : "
          "{{ facilitateur.nom }} ({{ facilitateur.contact }}). Le facilitateur aide "
          f"{party} à identifier les candidats, vérifie leur éligibilité, conseille sur les modalités de mise "
          "en œuvre et suit l'exécution de l'engagement.")
    doc.p(f"{party.capitalize()} désigne, dans un délai de [à compléter : nombre] jours à compter de la "
          "notification, un correspondant chargé de la mise en œuvre de la clause, et participe aux réunions de "
          "suivi organisées par le facilitateur.")


def follow_up(doc: Doc, party="le {{ marche.titulaire }}", buyer="l'{{ marche.role_acheteur }}", end="du {{ marche.designation }}"):
    doc.h2("Suivi et justificatifs", "suivi")
    doc.p(f"{party.capitalize()} transmet au facilitateur et à {buyer}, selon une périodicité "
          "[à compléter : mensuelle ou trimestrielle] :")
    doc.bullets("contenus.justificatifs")
    doc.p(f"{party.capitalize()} signale sans délai toute difficulté de nature à compromettre la réalisation "
          "de l'engagement ; lorsque la difficulté ne lui est pas imputable, les parties peuvent convenir "
          "d'adapter l'engagement.")
    doc.p(f"Un bilan de l'action d'insertion est établi avec le facilitateur à la fin {end}.")


def annex(doc: Doc):
    doc.tag("{%p if annexe %}")
    doc.h1("Annexe – Justification des choix (à l'usage du service juridique)", page_break=True)
    doc.p("Cette annexe ne fait pas partie des pièces du marché. Elle retrace, pour la personne qui relit le "
          "projet, le marché tel qu'il a été compris, le droit appliqué, les règles qui ont fondé chaque "
          "paragraphe et les points à vérifier.", italic=True)
    doc.annex_h2("Marché tel qu'il a été compris")
    doc.table(["Donnée", "Valeur"], ["{{ row.cle }}", "{{ row.valeur }}"], "row in annexe.marche",
              widths=[4.6, TEXT_WIDTH_CM - 4.6], size=9)
    doc.annex_h2("Droit applicable")
    doc.p("{{ annexe.droit }}")
    doc.annex_h2("Décision")
    doc.bullets("annexe.decision", "ligne")
    doc.tag("{%p if annexe.heures %}")
    doc.annex_h2("Calcul des heures d'insertion")
    doc.p("{{ annexe.heures.formule }}")
    doc.bullets("annexe.heures.lignes", "ligne")
    doc.tag("{%p endif %}")
    doc.tag("{%p if annexe.obligations %}")
    doc.annex_h2("Obligations")
    doc.bullets("annexe.obligations", "ligne")
    doc.tag("{%p endif %}")
    doc.tag("{%p if annexe.avertissements %}")
    doc.annex_h2("Avertissements")
    doc.bullets("annexe.avertissements", "ligne")
    doc.tag("{%p endif %}")
    doc.tag("{%p if annexe.non_verifies %}")
    doc.annex_h2("Points non vérifiés")
    doc.p("Ces points sont marqués comme non vérifiés dans les notes juridiques de clausier : à confirmer "
          "(Légifrance, facilitateur) avant publication.", italic=True)
    doc.bullets("annexe.non_verifies", "ligne")
    doc.tag("{%p endif %}")
    doc.tag("{%p if annexe.recommandations %}")
    doc.annex_h2("Recommandations")
    doc.bullets("annexe.recommandations", "ligne")
    doc.tag("{%p endif %}")
    doc.annex_h2("Règles appliquées, dans l'ordre")
    doc.table(["N°", "Règle", "Fondement", "Établit"],
              ["{{ step.n }}", "{{ step.libelle }} ({{ step.id }})", "{{ step.fondement }}", "{{ step.faits }}"],
              "step in annexe.regles", widths=[0.9, 6.3, 5.2, 4.2], size=8)
    doc.annex_h2("Références")
    doc.bullets("annexe.references", "ligne")
    doc.tag("{%p endif %}")


# --- public buyers -------------------------------------------------------------------------------

def public_condition_execution() -> Doc:
    doc = Doc("Clause sociale d'insertion – condition d'exécution")
    preamble(doc, "Clause sociale d'insertion – condition d'exécution",
             "article du cahier des clauses administratives particulières (CCAP)")
    doc.h1("Article ⟦#⟧ – Clause sociale d'insertion professionnelle")
    # a reserved contract gets no hours clause by default (its operators already employ the public)
    doc.tag("{%p if blocs.objet_clause %}")
    doc.h2("Objet de la clause", "objet_clause")
    doc.p("En application {{ bases_de.objet_clause }}, le {{ marche.titulaire }} s'engage à réaliser, à l'occasion de "
          "l'exécution du présent {{ marche.designation }}, une action d'insertion permettant l'accès ou le retour à "
          "l'emploi de personnes rencontrant des difficultés sociales ou professionnelles particulières. Cette "
          "action constitue une condition d'exécution du {{ marche.designation }}.")
    doc.tag("{%p if blocs.mention_obligation_sociale %}")
    doc.p("La valeur estimée du {{ marche.designation }} atteignant le seuil européen applicable, cette condition "
          "d'exécution sociale est obligatoire, en application {{ bases_de.mention_obligation_sociale }}.")
    doc.tag("{%p endif %}")
    doc.tag("{%p if blocs.ccag %}")
    doc.p("Le présent article active et précise la clause d'insertion sociale du CCAG [à compléter : CCAG "
          "applicable – Travaux, FCS, PI, TIC, MI ou MOE] auquel le marché fait référence, conformément "
          "{{ bases_a.ccag }} : il en fixe le périmètre, les publics éligibles, le volume d'heures, le "
          "facilitateur et les pénalités.")
    doc.tag("{%p endif %}")
    doc.h2("Volume d'heures d'insertion", "heures")
    lots_hours(doc)
    doc.tag("{%p if blocs.heures_accord_cadre %}")
    doc.p("Le marché étant un accord-cadre, ce volume est calculé sur la valeur estimée de toutes les commandes "
          "(son montant maximum s'il est fixé) : les heures dues "
          "sont proportionnelles au montant des commandes effectivement passées.")
    doc.tag("{%p endif %}")
    publics(doc)
    doc.h2("Modalités de mise en œuvre", "modalites_execution")
    doc.p("Le {{ marche.titulaire }} choisit librement la manière de réaliser ces heures, seule ou en combinaison :")
    doc.bullets("contenus.modalites_execution")
    doc.p("La présente clause n'impose ni une modalité particulière, ni un type de contrat de travail. Les heures "
          "réalisées par des personnes éligibles au-delà de l'engagement peuvent, à la demande du {{ marche.titulaire }} et "
          "avec l'accord du facilitateur, être reportées pour prolonger un parcours.")
    facilitator(doc)
    follow_up(doc)
    doc.h2("Pénalités", "penalites")
    doc.p("Lorsque l'engagement d'insertion n'est pas tenu, l'{{ marche.role_acheteur }} en informe le {{ marche.titulaire }}, qui dispose d'un "
          "délai de [à compléter : nombre] jours pour présenter ses observations. À l'issue de cette procédure "
          "contradictoire, l'{{ marche.role_acheteur }} peut appliquer une pénalité de {{ penalite.montant }} par heure "
          "d'insertion non réalisée.")
    doc.p("Le défaut de transmission d'un état de suivi dans le délai fixé peut en outre donner lieu, après mise "
          "en demeure restée sans effet, à une pénalité de {{ penalite.suivi }} par état manquant.")
    doc.tag("{%p if blocs.ccag %}")
    doc.p("Ces pénalités s'appliquent dans les conditions du CCAG auquel le marché fait référence.")
    doc.tag("{%p endif %}")
    doc.tag("{%p endif %}")
    derogation(doc)
    reserve(doc)
    contract_extras(doc)
    annex(doc)
    return doc


def criteria_table(doc: Doc, what: str = "offres"):
    doc.p(f"Les {what} sont appréciées selon les critères suivants, {{{{ criteres.intro }}}} :")
    doc.table(["Critère", "{{ criteres.entete }}"], ["{{ c.libelle }}", "{{ c.poids }}"], "c in criteres.lignes",
              widths=[12.6, 4.0])


def public_critere_attribution() -> Doc:
    doc = Doc("Critère d'attribution – performances en matière d'insertion")
    preamble(doc, "Critère d'attribution – performances en matière d'insertion professionnelle",
             "article du règlement de la consultation (RC)")
    doc.h1("Article ⟦#⟧ – Jugement des offres")
    doc.h2("Critères d'attribution", "tableau_criteres")
    criteria_table(doc)
    doc.tag("{%p if blocs.environnement_obligatoire %}")
    doc.p("Conformément {{ bases_a.environnement_obligatoire }}, au moins un critère prend en compte les "
          "caractéristiques environnementales de l'offre ; le critère d'insertion s'y ajoute.")
    doc.tag("{%p endif %}")
    doc.tag("{%p if blocs.ponderation %}")
    doc.p("La pondération des critères est fixée conformément {{ bases_a.ponderation }}.")
    doc.tag("{%p endif %}")
    doc.tag("{%p if blocs.criteres_hierarchises %}")
    doc.p("Les critères sont classés par ordre décroissant d'importance, conformément "
          "{{ bases_a.criteres_hierarchises }}.")
    doc.tag("{%p endif %}")
    doc.h2("Critère « performances en matière d'insertion professionnelle des publics en difficulté »",
           "sous_criteres_insertion")
    doc.p("Ce critère, prévu par {{ bases.sous_criteres_insertion }}, est apprécié au regard des sous-critères "
          "suivants, de même poids sauf mention contraire :")
    doc.bullets("contenus.sous_criteres_insertion")
    doc.h2("Note d'insertion à joindre à l'offre", "memoire_insertion")
    doc.p("Chaque candidat joint à son offre une note d'insertion de [à compléter : nombre] pages au plus, "
          "décrivant :")
    doc.bullets("contenus.memoire_insertion")
    doc.p("Les engagements pris dans cette note ont valeur contractuelle. Une offre qui ne comporte pas de note "
          "d'insertion obtient la note 0 pour ce critère.")
    doc.tag("{%p if blocs.notation %}")
    doc.h2("Méthode de notation", "notation")
    doc.p("Chaque sous-critère est noté selon l'échelle suivante :")
    doc.bullets("contenus.notation")
    doc.p("La note du critère est la moyenne des notes des sous-critères, rapportée à la note maximale de "
          "l'échelle puis multipliée par la pondération du critère.")
    doc.tag("{%p endif %}")
    doc.tag("{%p if blocs.rappel_condition_obligatoire %}")
    doc.h2("Rappel : condition d'exécution sociale obligatoire", "rappel_condition_obligatoire")
    doc.p("La valeur estimée du marché atteignant le seuil européen, ce critère ne dispense pas de la condition "
          "d'exécution sociale obligatoire prévue par {{ bases.rappel_condition_obligatoire }}, à insérer dans "
          "le CCAP.")
    doc.tag("{%p endif %}")
    derogation(doc)
    reserve(doc)
    contract_extras(doc)
    annex(doc)
    return doc


def public_objet_marche() -> Doc:
    doc = Doc("Marché d'insertion et de qualification professionnelle")
    preamble(doc, "Marché d'insertion et de qualification professionnelle",
             "articles de l'acte d'engagement ou du CCAP (objet, exécution) et du règlement de la consultation "
             "(procédure, critères)")
    doc.h1("Article ⟦#⟧ – Objet du marché")
    doc.h2("Objet", "objet_insertion")
    doc.p("Le présent marché a pour objet l'insertion et la qualification professionnelle de personnes "
          "rencontrant des difficultés sociales et professionnelles particulières, par leur mise en situation "
          "de travail sur l'activité support suivante : {{ marche.titre }}.")
    doc.p("Volume prévisionnel : [à compléter : nombre de personnes accompagnées et d'heures de mise en "
          "situation de travail].")
    doc.h2("Prestations attendues", "activite_support")
    doc.p("Le {{ marche.titulaire }} assure :")
    doc.bullets("contenus.prestations_insertion")
    doc.p("L'activité support n'est pas l'objet du marché : elle sert de cadre aux parcours d'insertion, et sa "
          "réalisation s'apprécie au regard de cet objectif.")
    publics(doc)
    facilitator(doc)
    follow_up(doc)
    doc.h1("Article ⟦#⟧ – Procédure de passation")
    doc.h2("Procédure", "procedure_sss")
    doc.p("Le marché relève des services sociaux et autres services spécifiques{{ marche.cpv_mention }} : il est "
          "passé selon une procédure adaptée, en application {{ bases_de.procedure_sss }}.")
    doc.tag("{%p if blocs.publicite_joue %}")
    doc.p("Sa valeur estimée atteignant le seuil européen des services sociaux et spécifiques, un avis est publié "
          "au Journal officiel de l'Union européenne.")
    doc.tag("{%p endif %}")
    derogation(doc)
    reserve(doc)
    doc.h1("Article ⟦#⟧ – Critères d'attribution")
    doc.h2("Critères", "criteres_objet")
    criteria_table(doc)
    doc.tag("{%p if blocs.environnement_obligatoire %}")
    doc.p("Conformément {{ bases_a.environnement_obligatoire }}, au moins un critère prend en compte les "
          "caractéristiques environnementales de l'offre.")
    doc.tag("{%p endif %}")
    doc.p("Les critères relatifs à l'accompagnement et à la formation sont appréciés au vu d'une note "
          "méthodologique de [à compléter : nombre] pages au plus, jointe à l'offre.")
    contract_extras(doc)
    annex(doc)
    return doc


# --- private buyers ------------------------------------------------------------------------------

def prive_condition_execution() -> Doc:
    doc = Doc("Clause d'insertion – contrat fournisseur")
    preamble(doc, "Clause d'insertion – contrat fournisseur",
             "article des conditions particulières du contrat conclu avec le fournisseur")
    doc.h1("Article ⟦#⟧ – Engagement d'insertion du fournisseur")
    # suppliers already employing the public (consultation limited to inclusive structures): no hours clause
    doc.tag("{%p if blocs.heures %}")
    doc.h2("Objet de l'engagement", "objet_clause")
    doc.p("Le fournisseur s'engage à réaliser, à l'occasion de l'exécution du présent contrat, une action "
          "d'insertion permettant l'accès ou le retour à l'emploi de personnes rencontrant des difficultés "
          "sociales ou professionnelles particulières. Cet engagement, librement convenu entre les parties, "
          "constitue une obligation essentielle du contrat.")
    doc.h2("Volume d'heures d'insertion", "heures")
    doc.p("Le fournisseur réalise au minimum {{ heures.valeur }} heures de travail au bénéfice des publics "
          "définis ci-après, pendant la durée du contrat.")
    doc.p("Ce volume résulte du calcul suivant : {{ heures.calcul }}.")
    publics(doc)
    doc.h2("Modalités de mise en œuvre", "modalites_execution")
    doc.p("Le fournisseur choisit librement la manière de réaliser ces heures, seule ou en combinaison :")
    doc.bullets("contenus.modalites_execution")
    doc.p("Le présent article n'impose ni une modalité particulière, ni un type de contrat de travail.")
    doc.h2("Accompagnement", "facilitateur")
    doc.p("Le fournisseur peut être accompagné par un facilitateur de clauses sociales ou une structure "
          "d'accompagnement : {{ facilitateur.nom }} ({{ facilitateur.contact }}), qui l'aide à identifier "
          "les candidats et vérifie leur éligibilité.")
    doc.p("Le fournisseur désigne un correspondant chargé de la mise en œuvre de l'engagement dans un délai de "
          "[à compléter : nombre] jours à compter de la signature du contrat.")
    follow_up(doc, party="le fournisseur", buyer="la société cliente", end="du contrat")
    doc.h2("Pénalités", "penalites")
    doc.p("Lorsque l'engagement n'est pas tenu, la société cliente en informe le fournisseur, qui dispose d'un "
          "délai de [à compléter : nombre] jours pour s'expliquer. À l'issue de cet échange, la société cliente "
          "peut appliquer une pénalité de {{ penalite.montant }} par heure d'insertion non réalisée. Cette "
          "pénalité reste proportionnée au manquement constaté ; elle n'est pas due lorsque le manquement "
          "résulte d'une cause que le fournisseur ne pouvait maîtriser et qu'il a signalée sans délai.")
    doc.tag("{%p endif %}")
    doc.tag("{%p if blocs.oeth %}")
    oeth(doc)
    doc.tag("{%p endif %}")
    annex(doc)
    return doc


def oeth(doc: Doc, article=False):
    if article:
        doc.d.add_paragraph("⟦oeth⟧Article ⟦#⟧ – Obligation d'emploi des travailleurs handicapés", style="Heading 1")
    else:
        doc.h2("Obligation d'emploi des travailleurs handicapés", "oeth")
    doc.p("{{ oeth.texte }}")
    doc.p("Le fournisseur remet à la société cliente l'attestation annuelle prévue à cet effet, qui permet la "
          "déclaration de la dépense dans la déclaration sociale nominative.")


def prive_critere_attribution() -> Doc:
    doc = Doc("Grille de sélection des fournisseurs – insertion")
    preamble(doc, "Critère de sélection des fournisseurs – performance en matière d'insertion",
             "article du cahier des charges de la consultation de fournisseurs")
    doc.h1("Article ⟦#⟧ – Sélection des fournisseurs")
    doc.h2("Grille de sélection", "grille_fournisseur")
    criteria_table(doc, "propositions")
    doc.p("Le critère « performance en matière d'insertion » est apprécié au regard des éléments suivants :")
    doc.bullets("contenus.criteres_fournisseur")
    doc.p("Chaque élément est noté selon l'échelle suivante ; la note du critère est la moyenne des notes, "
          "rapportée à la note maximale de l'échelle puis multipliée par la pondération du critère :")
    doc.bullets("contenus.notation")
    doc.h2("Note d'insertion à joindre à la proposition", "memoire_insertion")
    doc.p("Chaque fournisseur joint à sa proposition une note d'insertion de [à compléter : nombre] pages au "
          "plus, décrivant :")
    doc.bullets("contenus.memoire_insertion")
    doc.p("Les engagements pris dans cette note sont repris dans le contrat conclu avec le fournisseur retenu.")
    annex(doc)
    return doc


def prive_objet_marche() -> Doc:
    doc = Doc("Achat direct auprès d'une structure inclusive")
    preamble(doc, "Achat direct auprès d'une structure inclusive",
             "conditions particulières de la commande passée de gré à gré")
    doc.h1("Article ⟦#⟧ – Objet de la commande")
    doc.h2("Objet", "achat_direct")
    doc.p("La présente commande porte sur la prestation suivante : {{ marche.titre }}. "
          "Elle est confiée à {{ achat.fournisseur }} : [à compléter : raison sociale et numéro SIRET], "
          "choisie pour sa capacité à réaliser la prestation et pour son projet d'insertion.")
    doc.p("Le fournisseur réalise la prestation en mobilisant les personnes qu'il accompagne ; il informe la "
          "société cliente, à la fin de la commande, du nombre de personnes et d'heures mobilisées.")
    doc.h1("Article ⟦#⟧ – Prix et conditions d'exécution")
    doc.p("Prix : [à compléter : montant HT et modalités de révision]. Délai d'exécution : [à compléter : "
          "délai]. Lieu d'exécution : [à compléter : adresse].")
    doc.p("Le prix est payé dans un délai de [à compléter : nombre] jours à réception de la facture.")
    doc.tag("{%p if blocs.oeth %}")
    oeth(doc, article=True)
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
