"""Hostile text in every field that reaches the document: shown literally, never evaluated, document valid.

Each string goes into title, buyer_name, reference, facilitator name and contact, a lot title and the
derogation justification; the document is read back (docx2python through engine.testing.docx_text) and
re-opened with python-docx. One hostile document is converted by LibreOffice.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
import zipfile

import docx
import pytest
from _fields import TEXT_FIELDS, put_text
from lxml import etree

import engine
from engine.testing import docx_comments, docx_text

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)

BASE = {"segment": "travaux", "amount": 6_200_000, "procedure": "appel_offres", "buyer_type": "collectivite",
        "mode": "condition_execution", "launch_date": "2026-11-24",
        "lots": [{"number": "1", "title": "Lot témoin", "amount": 1_000_000}]}

HOSTILE = {
    "xml_specials": "Dupont & Fils <SA> \"cité\" l'été",
    "xml_markup": "<w:t>injecté</w:t></w:r></w:p> ]]> <![CDATA[x]]> &amp; &lt; &#x41;",
    "jinja_expression": "{{ marche.titre }} {{ 7*7 }} {{ self.__init__ }}",
    "jinja_statement": "{% for x in range(3) %}boucle{% endfor %} {%p if true %} {# commentaire #}",
    "docxtpl_tags": "{{r x }} {%tr for l in lots %} {{p sub }} {%r endif %}",
    "docxtpl_escapes": "{_{ a }_} et {_% b %_}",
    "word_fields": "{ MERGEFIELD nom \\* MERGEFORMAT } { DATE \\@ \"dd/MM/yyyy\" } { INCLUDETEXT \"c:\\\\x.docx\" }",
    "clausier_markers": "⟦facilitateur⟧ ⟦#⟧ ⟦A.#⟧ titre",
    "clausier_blank": "[à compléter : piège] et [à compléter",
    "right_to_left": "مناقصة عامة لأعمال البناء — שלום עולם",
    "bidi_controls": "a\u202eb\u202cc \u2066d\u2069 \u200fe",
    "emoji": "Chantier 🏗️ 👷‍♀️ 🇫🇷 👍🏽 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "zero_width": "a\u200bb\u200dc\ufeffd\u2060e",
    "combining": "e\u0301 a\u0308 Z\u0351\u0352\u0353",
    "long": ("Très long intitulé & <balise> {{ x }} " * 60)[:1940],  # the limit is 2 000 characters
    "newline_and_tab": "ligne 1\nligne 2\r\nligne 3\tcolonne",
    "line_separator": "a\u2028b\u2029c",
    "private_use": "a\ue000b\U000f0000c",
    "backslashes": "C:\\dossier\\n\\t \\x00 \\u0000",
    "percent_braces": "100 % {0} %s %(x)s {x!r}",
}

FIELDS = TEXT_FIELDS
LABELS = {field: f"«{i}» " for i, field in enumerate(FIELDS)}  # tells the fields apart in the text read back
LABELS["derogation.justification"] += "justification de plus de vingt caractères : "


def _market(field: str, text: str) -> dict:
    if field == "derogation.justification":
        text = "Justification consignée : " + text
    return put_text({**BASE, "lots": [dict(BASE["lots"][0])]}, field, text)


def _everywhere(text: str) -> dict:
    """A market carrying `text` in every field at once, each copy preceded by its field's label."""
    market = {**BASE, "lots": [dict(BASE["lots"][0])], "facilitator": {}}
    for field in FIELDS:
        put_text(market, field, LABELS[field] + text)
    return market


def _expected(text: str) -> str:
    """What the reader must find: the text as validated (NFC), whitespace runs read as one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def _render(market: dict) -> bytes:
    decision = engine.evaluate(market)
    assert decision.allowed, decision.reasons
    return engine.render(decision)


def _check_valid_package(data: bytes) -> None:
    """Every XML part parses strictly (no recovery), and python-docx re-opens the document."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(z.read(name))  # raises on any invalid XML
    docx.Document(io.BytesIO(data))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_text_is_shown_literally_in_every_field(name):
    """Each field shows the text exactly as written (after NFC), in a valid package."""
    text = HOSTILE[name]
    data = _render(_everywhere(text))
    _check_valid_package(data)
    body = " ".join(docx_text(data).split())
    missing = [field for field in FIELDS if _expected(LABELS[field] + text) not in body]
    assert not missing, f"{name}: not found literally in {missing}"


@pytest.mark.parametrize("name", ["jinja_expression", "jinja_statement", "docxtpl_tags"])
def test_template_syntax_is_never_evaluated(name):
    """Nothing a user writes is evaluated: no 49, no loop output, the braces are all there."""
    data = _render(_everywhere(HOSTILE[name]))
    body = docx_text(data)
    assert "49" not in body.replace("4 9", "")
    assert "boucleboucle" not in body
    assert body.count("{{") >= len(FIELDS) * HOSTILE[name].count("{{")


def test_user_markers_do_not_become_comments_or_numbers():
    """Text containing clausier's own markers (⟦bloc⟧, ⟦#⟧) adds no Word comment and no heading number."""
    plain = _render(_everywhere("Texte ordinaire"))
    hostile = _render(_everywhere(HOSTILE["clausier_markers"]))
    assert len(docx_comments(hostile)) == len(docx_comments(plain))
    phrase = HOSTILE["clausier_markers"]
    assert docx_text(hostile).count(phrase) == docx_text(plain).count("Texte ordinaire") >= len(FIELDS)
    assert docx_text(hostile).count("⟦") == 3 * docx_text(hostile).count(phrase)


def test_newlines_in_the_justification_are_line_breaks():
    """Free text keeps its line breaks (Word line breaks); one-line fields get spaces."""
    market = _market("derogation.justification", "première ligne\r\ndeuxième ligne\tfin")
    market["title"] = "Titre\nsur deux lignes"
    data = _render(market)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    assert "première ligne</w:t><w:br/>" in xml
    assert "Titre sur deux lignes" in xml
    assert "\r" not in xml


def test_header_carries_the_hostile_buyer_name():
    """The buyer's name goes to the page header too, escaped and literal."""
    data = _render(_market("buyer_name", HOSTILE["xml_specials"]))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        headers = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/header")]
    assert any("Dupont &amp; Fils &lt;SA&gt;" in h for h in headers)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) absent")
def test_libreoffice_converts_a_hostile_document(tmp_path):
    """A document carrying every hostile string at once converts to text with LibreOffice."""
    market = _market("derogation.justification", HOSTILE["jinja_statement"] + " " + HOSTILE["right_to_left"])
    market.update(title=HOSTILE["xml_specials"] + " " + HOSTILE["emoji"], buyer_name=HOSTILE["xml_markup"],
                  reference=HOSTILE["docxtpl_escapes"], facilitator={"name": HOSTILE["word_fields"],
                                                                     "contact": HOSTILE["bidi_controls"]})
    src = tmp_path / "hostile.docx"
    src.write_bytes(_render(market))
    profile = tmp_path / "lo_profile"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "txt:Text",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    text = (tmp_path / "hostile.txt").read_text(encoding="utf-8-sig")
    flat = " ".join(text.split())
    for needle in ("Dupont & Fils <SA>", "{% for x in range(3) %}", "مناقصة عامة", "{_{ a }_}", "MERGEFIELD nom"):
        assert needle in flat, needle
