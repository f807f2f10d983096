"""Generated documents: reproducible, numbered in plain text, commented, annexed, highlighted, well phrased."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.enum.text import WD_COLOR_INDEX

import engine
from cli import cli
from engine.testing import docx_comments, docx_text, plain

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def _example(name: str) -> dict:
    return json.loads((ROOT / "examples" / f"{name}.json").read_text(encoding="utf-8"))



def _clause(data: bytes) -> str:
    """The text before the annex (what is pasted into the consultation file)."""
    return plain(docx_text(data)).split("Annexe – Justification")[0]


@pytest.fixture(scope="module")
def documents():
    out = {}
    for path in EXAMPLES:
        decision = engine.evaluate(json.loads(path.read_text(encoding="utf-8")))
        out[path.stem] = (decision, engine.render(decision))
    return out


@pytest.mark.slow
class TestReproducible:
    def test_same_input_gives_the_same_bytes(self):
        """Two renders of the same decision are byte for byte identical."""
        decision = engine.evaluate(_example("reserve_siae_lots"))
        assert engine.render(decision) == engine.render(decision)

    def test_same_input_file_gives_the_same_file_through_the_cli(self, tmp_path):
        """`clausier generate` twice on the same market writes identical files."""
        runner = CliRunner()
        market = ROOT / "examples" / "travaux_condition_execution.json"
        a, b = tmp_path / "a.docx", tmp_path / "b.docx"
        assert runner.invoke(cli, ["generate", str(market), "-o", str(a)]).exit_code == 0
        assert runner.invoke(cli, ["generate", str(market), "-o", str(b)]).exit_code == 0
        assert a.read_bytes() == b.read_bytes()

    def test_zip_entries_have_fixed_dates_and_properties_state_the_version(self, documents):
        """Zip timestamps are fixed; core properties carry the ruleset version and the date of the law."""
        decision, data = documents["travaux_condition_execution"]
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        props = Document(io.BytesIO(data)).core_properties
        assert decision.ruleset_version in props.comments
        assert props.created.date() == decision.launch_date
        assert decision.ruleset_version in plain(docx_text(data))


@pytest.mark.slow
class TestNumbering:
    @pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
    def test_headings_are_numbered_in_plain_text_and_no_marker_is_left(self, documents, name):
        """Articles read « Article 1 – », paragraphs « 1.1 », annex sections « A.1 »: text, not Word numbering."""
        _, data = documents[name]
        doc = Document(io.BytesIO(data))
        headings = [p for p in doc.paragraphs if p.style.name.startswith("Heading")]
        articles = [p.text for p in headings if p.style.name == "Heading 1" and p.text.startswith("Article")]
        assert articles and all(re.match(rf"Article {i} – ", t) for i, t in enumerate(articles, 1))
        subs = [p.text for p in headings if p.style.name == "Heading 2" and not p.text.startswith("A.")]
        assert subs and all(re.match(r"\d+\.\d+ \S", t) for t in subs)
        annex = [p.text for p in headings if p.text.startswith("A.")]
        assert [t.split()[0] for t in annex] == [f"A.{i}" for i in range(1, len(annex) + 1)]
        assert all(p._p.pPr is None or p._p.pPr.numPr is None for p in headings)
        assert "⟦" not in docx_text(data)

    def test_paragraph_numbers_restart_with_each_article(self, documents):
        """In the insertion-contract document, article 2 opens with 2.1."""
        text = plain(docx_text(documents["insertion_objet_marche"][1]))
        assert "Article 2 – Procédure de passation" in text
        assert "2.1 Procédure" in text and "3.1 Critères" in text


class TestComments:
    def test_each_clause_block_carries_its_rule_and_article(self, documents):
        """A comment on each block heading gives the rule and the article behind it."""
        decision, data = documents["travaux_condition_execution"]
        comments = docx_comments(data)
        anchors = {anchor.split("\n")[0][:40]: text for anchor, text in comments}
        # seven blocks decided by the rules, the CCAG reference, and two sections worded from contenus.yaml
        assert len(comments) == 10
        objet = next(t for a, t in anchors.items() if a.startswith("1.1 Objet de la clause"))
        assert "CCP, art. L2112-2" in objet and "ccp_l2112_2_lien_objet" in objet
        penalites = next(t for a, t in anchors.items() if a.startswith("1.11 Pénalités"))
        assert "19.2.4" in penalites
        ccag = next(t for a, t in anchors.items() if a.startswith("1.2 Référence au CCAG"))
        assert "CCAG-Travaux" in ccag and "POINT NON VÉRIFIÉ" not in ccag and "Référence non vérifiée" in ccag
        data_section = next(t for a, t in anchors.items() if a.startswith("1.10 Données à caractère personnel"))
        assert "délibération n° 2023-005" in data_section and "(POINT NON VÉRIFIÉ)" in data_section

    def test_the_comment_spans_the_block_paragraphs(self, documents):
        """The anchor covers the heading and the text of its block, not the heading alone."""
        _, data = documents["travaux_condition_execution"]
        anchor = next(a for a, _ in docx_comments(data) if a.startswith("1.4"))
        assert "4 650" in anchor.replace("\u00a0", " ") and "heures de travail" in anchor

    def test_unverified_references_are_flagged_in_comments(self, documents):
        """A comment resting on an unverified source says so."""
        _, data = documents["prive_contrat_fournisseur"]
        assert any("NON VÉRIFIÉ" in text for _, text in docx_comments(data))

    def test_no_comments_option(self, tmp_path):
        """`--no-comments` (and comments=False) leave no comment and no marker."""
        decision = engine.evaluate(_example("travaux_condition_execution"))
        data = engine.render(decision, comments=False)
        assert docx_comments(data) == []
        assert "⟦" not in docx_text(data)
        out = tmp_path / "c.docx"
        result = CliRunner().invoke(cli, ["generate", str(ROOT / "examples" / "travaux_condition_execution.json"),
                                          "-o", str(out), "--no-comments"])
        assert result.exit_code == 0 and docx_comments(out.read_bytes()) == []


class TestAnnex:
    def test_annex_holds_the_market_law_date_rules_hours_warnings_and_unverified_points(self, documents):
        """Everything a reviewer needs: every fired rule with its basis, the computation, every caveat."""
        decision, data = documents["reserve_siae_lots"]
        text = plain(docx_text(data))
        annex = text.split("Annexe – Justification")[1]
        assert "Marché tel qu'il a été compris" in annex
        assert "Droit applicable au 30 septembre 2026" in annex and decision.ruleset_version in annex
        for step in decision.trace:
            assert step.rule in annex
        for warning in decision.warnings:
            assert plain(warning.text) in annex
        # one figure everywhere: the market's hours are its lots' sum; the lot reserved to SIAE has no hours clause
        assert "Lot n° 1 : 300 000 € × 65 % × 7 % ÷ 25 €/h = 546 heures" in annex
        assert "Total du marché : 546 heures, somme des lots" in annex and "Lot n° 2 : 120" not in annex
        assert decision.hours.value == sum(lot.hours.value for lot in decision.lots if lot.hours) == 546
        assert "Points non vérifiés" in annex and "non vérifiée" in annex
        assert "https://" in annex

    def test_no_annex_option(self, documents):
        """annex=False leaves the annex out and says nothing about it in the preamble."""
        decision, _ = documents["services_critere_attribution"]
        text = plain(docx_text(engine.render(decision, annex=False)))
        assert "Annexe – Justification" not in text and "l'annexe finale" not in text


@pytest.mark.slow
class TestContent:
    @pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
    def test_every_blank_is_highlighted_and_written_the_same_way(self, documents, name):
        """Blanks read `[à compléter : …]` and are all highlighted yellow, tables and headers included."""
        _, data = documents[name]
        doc = Document(io.BytesIO(data))
        paragraphs = list(doc.paragraphs) + [p for t in doc.tables for r in t.rows for c in r.cells
                                             for p in c.paragraphs]
        paragraphs += [p for s in doc.sections for part in (s.header, s.footer) for p in part.paragraphs]
        blanks = [r for p in paragraphs for r in p.runs if "[à compléter" in r.text]
        assert blanks and all(r.font.highlight_color == WD_COLOR_INDEX.YELLOW for r in blanks)
        assert all(re.fullmatch(r"\[à compléter : [^\]]+\]", r.text) for r in blanks)
        assert not re.search(r"\[(?!à compléter : )", _clause(data))

    @pytest.mark.parametrize("name", [p.stem for p in EXAMPLES])
    def test_legal_references_repeat_their_preposition(self, documents, name):
        """« en application de l'article A et de l'article B », never « … de l'article A et l'article B »."""
        text = _clause(documents[name][1])
        assert not re.search(r"(en application|conformément|prévue? par)[^.;:«]*? et (l'|le |la |les )", text)

    def test_reserved_lot_wording_cites_the_article_and_the_share(self, documents):
        """The notice wording for a reserved lot names the reservation article and the 50 % share."""
        text = _clause(documents["reserve_siae_lots"][1])
        notice = text.split("Avis de publicité et règlement de la consultation")[1]
        assert ("Lot n° 2 réservé, en application de l'article L2113-13 du code de la commande publique, aux "
                "structures d'insertion par l'activité économique (SIAE) et aux structures équivalentes.") in notice
        assert "justifient de leur qualité" in notice
        assert "au moins 50 % de travailleurs défavorisés" in text
        assert "Conformément à l'article R2113-7 du code de la commande publique" in text

    def test_a_reserved_market_gives_its_notice_mention(self):
        """A market reserved to EA/ESAT: the clause and the notice cite L2113-12."""
        market = dict(_example("services_critere_attribution"), reserved_for="ea_esat", reserved_keep_clause=True)
        text = _clause(engine.render(engine.evaluate(market)))
        assert "Le présent marché est réservé, en application de l'article L2113-12 du code de la commande publique" in text
        notice = text.split("Avis de publicité et règlement de la consultation")[1]
        assert "Marché réservé, en application de l'article L2113-12 du code de la commande publique" in notice
        assert "au moins 50 % de travailleurs handicapés" in text

    def test_lots_get_their_own_hours(self, documents):
        """An allotted market states the hours lot by lot, each with its computation."""
        text = _clause(documents["reserve_siae_lots"][1])
        assert "1 | Espaces verts – secteur nord | 300 000 € | 546 h | 300 000 € × 65 % × 7 % ÷ 25 €/h" in text

    @pytest.mark.parametrize("name", ["prive_contrat_fournisseur", "prive_grille_fournisseurs",
                                      "prive_achat_direct_esat"])
    def test_private_documents_use_civil_contract_language(self, documents, name):
        """No public-procurement vocabulary in a private buyer's clause."""
        text = _clause(documents[name][1])
        for word in ("code de la commande publique", "CCAG", "CCAP", "titulaire", "pouvoir adjudicateur"):
            assert word not in text

    def test_organisation_templates_are_used(self, tmp_path):
        """--templates DIR renders the organisation's own letterhead and wording."""
        import shutil

        folder = tmp_path / "org"
        shutil.copytree(ROOT / "templates", folder, ignore=shutil.ignore_patterns("*.py"))
        doc = Document(folder / "public_condition_execution.docx")
        doc.sections[0].header.paragraphs[0].add_run(" — Ville de Saint-Martin, direction de la commande publique")
        doc.save(folder / "public_condition_execution.docx")
        data = engine.render(engine.evaluate(_example("travaux_condition_execution")), templates=folder)
        assert "direction de la commande publique" in docx_text(data)
