"""The questionnaire in a real browser (Debian's chromium driven by Playwright): a buyer fills the form, sees
the live decision change, downloads the .docx and reads it back; without JavaScript too; axe finds no
accessibility violation; the page fits a phone. Screenshots go to tests/output/screenshots/."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import httpx  # noqa: E402 - after the skip in tests._service
import pytest

from tests._service import LiveService

CHROMIUM = os.environ.get("CLAUSIER_CHROMIUM", "/usr/bin/chromium")
if not Path(CHROMIUM).exists():
    pytest.skip(f"navigateur absent ({CHROMIUM}) : apt-get install chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="paquet playwright absent : pip install \".[test]\"")

pytestmark = [pytest.mark.slow, pytest.mark.browser]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SHOTS = Path(__file__).resolve().parent / "output" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
DESKTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "fr-FR"}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True,
         "has_touch": True, "locale": "fr-FR"}


@pytest.fixture(scope="module")
def service():
    with LiveService() as live:
        yield live


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, service):
    context = browser.new_context(**DESKTOP, accept_downloads=True)
    pg = context.new_page()
    pg.goto(service.url + "/")
    yield pg
    context.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fill_as_a_buyer(page, amount="1 250 000"):
    page.select_option("#f-buyer_type", "collectivite")
    page.fill("#f-buyer_name", "Ville de Saint-Martin")
    page.fill("#f-title", "Nettoyage des écoles")
    page.fill("#f-reference", "2026-PROP-07")
    page.select_option("#f-segment", "proprete")
    page.fill("#f-amount", amount)
    page.select_option("#f-procedure", "appel_offres")
    page.fill("#f-launch_date", "2026-11-24")


MARKET = {"buyer_type": "collectivite", "buyer_name": "Ville de Saint-Martin", "title": "Nettoyage des écoles",
          "reference": "2026-PROP-07", "segment": "proprete", "amount": 1_250_000.0, "procedure": "appel_offres",
          "contract_type": "marche", "launch_date": "2026-11-24"}


def axe_violations(page) -> list[dict]:
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in result["violations"]]


def test_the_live_decision_follows_what_the_buyer_types(page):
    shot(page, "01-questionnaire-vide")
    assert "renseignez le type d'acheteur" in page.inner_text("#decision").lower()
    fill_as_a_buyer(page)
    page.wait_for_selector("#decision .verdict")
    panel = page.inner_text("#decision")
    assert "Voie recommandée : condition d'exécution" in panel
    assert "3 500 heures" in panel.replace("\u202f", " ")
    assert "1 250 000 € HT × 80 % × 7 % ÷ 20 €/h" in panel.replace("\u202f", " ")
    assert "seuil européen" in panel
    shot(page, "02-decision-au-dessus-du-seuil")

    page.fill("#f-amount", "90 000")  # below the European threshold: the obligation disappears
    page.wait_for_function("() => !document.querySelector('#decision').innerText.includes('3\u202f500')")
    panel = page.inner_text("#decision")
    assert "252 heures" in panel.replace("\u202f", " ")
    assert "atteint le seuil européen applicable" not in panel
    assert "Décision mise à jour" in page.inner_text("#etat-decision")  # announced to screen readers
    shot(page, "03-decision-sous-le-seuil")

    page.select_option("#f-mode", "objet_marche")
    page.select_option("#f-contract_type", "concession")
    page.wait_for_selector("#decision .verdict.refuse")
    assert "non admise" in page.inner_text("#decision .verdict")
    shot(page, "04-voie-non-admise")


def test_the_reasoning_links_to_its_sources(page):
    fill_as_a_buyer(page)
    page.wait_for_selector("#decision .verdict")
    page.click("#decision details > summary")
    links = page.locator("#decision .raisonnement a")
    assert links.count() > 3
    assert all(links.nth(i).get_attribute("href").startswith("http") for i in range(links.count()))
    page.click("#decision details details > summary")
    assert "Raisonnement :" in page.inner_text("#decision pre.explication")
    shot(page, "05-raisonnement")


def test_the_downloaded_docx_is_the_apis_document_for_the_same_answers(page, service):
    from docx2python import docx2python

    fill_as_a_buyer(page)
    page.wait_for_selector("#decision .verdict")
    with page.expect_download() as info:
        page.click("text=Télécharger la clause (.docx)")
    download = info.value
    assert download.suggested_filename == "clause-insertion-2026-PROP-07.docx"
    data = Path(download.path()).read_bytes()
    api = httpx.post(service.url + "/v1/document", content=json.dumps(MARKET).encode(),
                     headers={"content-type": "application/json"})
    assert data == api.content
    with docx2python(io.BytesIO(data)) as doc:
        text = doc.text
    assert "Ville de Saint-Martin" in text and "Nettoyage des écoles" in text
    assert "3 500" in text.replace("\u202f", " ").replace("\u00a0", " ")


def test_without_javascript_the_form_shows_the_decision_and_downloads(browser, service):
    context = browser.new_context(**DESKTOP, java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.goto(service.url + "/")
    fill_as_a_buyer(page, amount="12 abc")
    page.click("text=Afficher la décision")
    summary = page.locator(".resume-erreurs")
    assert "Valeur estimée du contrat" in summary.inner_text() and "montant en euros attendu" in summary.inner_text()
    assert page.get_attribute("#f-amount", "aria-invalid") == "true"
    assert page.input_value("#f-title") == "Nettoyage des écoles"  # nothing typed is lost
    shot(page, "06-sans-javascript-erreur")
    summary.locator("a").first.click()
    assert page.evaluate("location.hash") == "#f-amount"

    page.fill("#f-amount", "1 250 000")
    page.click("text=Afficher la décision")
    assert "Voie recommandée : condition d'exécution" in page.inner_text("#decision")
    shot(page, "07-sans-javascript-decision")
    with page.expect_download() as info:
        page.click("text=Télécharger la clause (.docx)")
    assert Path(info.value.path()).read_bytes()[:2] == b"PK"
    context.close()


def test_axe_finds_no_accessibility_violation(browser, service):
    context = browser.new_context(**DESKTOP, bypass_csp=True)  # the page's CSP forbids the injected axe script
    page = context.new_page()
    page.goto(service.url + "/")
    found = {"vide": axe_violations(page)}
    fill_as_a_buyer(page)
    page.wait_for_selector("#decision .verdict")
    page.click("#decision details > summary")
    found["decision"] = axe_violations(page)
    context.close()
    context = browser.new_context(**DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(service.url + "/")
    page.click("text=Télécharger la clause (.docx)")  # nothing filled in: the form comes back with its errors
    found["erreurs"] = axe_violations_no_js(browser, page)
    context.close()
    assert found == {"vide": [], "decision": [], "erreurs": []}


def axe_violations_no_js(browser, page) -> list[dict]:
    """axe needs scripts: the no-JavaScript page's HTML, loaded again in a page that runs them."""
    html = page.content()
    context = browser.new_context(**DESKTOP, bypass_csp=True)
    other = context.new_page()
    other.route("**/*", lambda route: route.fulfill(body=html, content_type="text/html")
                if route.request.resource_type == "document" else route.continue_())
    other.goto(page.url)
    try:
        return axe_violations(other)
    finally:
        context.close()


def test_on_a_phone_the_page_fits_and_the_decision_follows_the_form(browser, service):
    context = browser.new_context(**PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(service.url + "/")
    fill_as_a_buyer(page)
    page.wait_for_selector("#decision .verdict")
    # a page wider than the screen makes a mobile browser zoom out: the layout viewport must stay 390 px
    assert page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]") == [390, 390]
    form_box, panel_box = page.locator("form").bounding_box(), page.locator("#decision").bounding_box()
    assert panel_box["y"] > form_box["y"] and panel_box["width"] > 300  # one column
    assert axe_violations(page) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "08-telephone-formulaire.png"))
    page.evaluate("document.querySelector('#decision').scrollIntoView()")
    page.screenshot(path=str(SHOTS / "09-telephone-decision.png"))
    context.close()


def test_the_keyboard_reaches_the_form_first(page):
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Aller au questionnaire"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "f-buyer_type"


def test_the_api_docs_page_works_offline(browser, service):
    context = browser.new_context(**DESKTOP)
    page = context.new_page()
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(service.url) else None)
    page.goto(service.url + "/v1/docs")
    page.wait_for_selector("[data-path=\"/v1/decision\"]")
    assert outside == []
    shot(page, "10-documentation-api")
    context.close()
