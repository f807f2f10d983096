"""The questionnaire over plain HTTP (no browser): the form, its conversion to a market, its errors."""

from __future__ import annotations

import html
import re

import httpx  # noqa: E402 - after the skip in tests._service
import pytest

import engine  # noqa: E402
from engine.service import form  # noqa: E402
from tests._service import LiveService

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)

ANSWERS = {"buyer_type": "collectivite", "segment": "proprete", "amount": "1 250 000,50", "procedure": "appel_offres",
           "contract_type": "marche", "launch_date": "2026-11-24", "title": "Nettoyage", "insertion.rate": "7,5",
           "insertion.hourly_cost": "32", "annex": "on"}


@pytest.fixture(scope="module")
def client():
    with LiveService() as live, httpx.Client(base_url=live.url, timeout=30) as c:
        yield c


def test_every_field_has_its_label_and_the_page_loads_nothing_from_outside(client):
    page = client.get("/").text
    ids = re.findall(r'<(?:input|select|textarea)[^>]* id="([^"]+)"', page)
    assert len(ids) == len(form.FIELDS)
    for field_id in ids:
        assert f'<label for="{field_id}">' in page, field_id
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert '<html lang="fr">' in page


def test_the_form_reads_french_numbers_and_percentages():
    parsed = form.to_market(ANSWERS)
    assert parsed.problems == {} and parsed.missing == []
    assert parsed.market["amount"] == 1_250_000.5
    assert parsed.market["insertion"] == {"rate": 0.075, "hourly_cost": 32.0}
    assert "annex" not in parsed.market  # a document option, not part of the market
    bad = form.to_market({**ANSWERS, "amount": "beaucoup", "insertion.rate": "150", "duration_months": "2,5"})
    assert set(bad.problems) == {"amount", "insertion.rate", "duration_months"}


def test_showing_the_decision_without_javascript(client):
    r = client.post("/", data=ANSWERS)
    assert r.status_code == 200 and "Voie recommandée" in r.text and "<html" in r.text
    assert 'value="1 250 000,50"' in r.text  # the answers stay in the form


def test_htmx_gets_only_the_decision_panel(client):
    r = client.post("/", data=ANSWERS, headers={"HX-Request": "true"})
    assert "<html" not in r.text and "Voie recommandée" in r.text and 'hx-swap-oob="true"' in r.text
    waiting = client.post("/", data={"buyer_type": "etat"}, headers={"HX-Request": "true"})
    assert ("renseignez la valeur estimée, la procédure et le secteur d'achat ou le code CPV."
            in html.unescape(waiting.text))


def test_download_is_the_engines_document_for_the_same_market(client):
    r = client.post("/document", data=ANSWERS)
    assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment;")
    market = form.to_market(ANSWERS).market
    assert r.content == engine.render(engine.evaluate(market), annex=True, comments=False)


def test_a_form_the_engine_refuses_comes_back_with_the_field_marked(client):
    r = client.post("/document", data={**ANSWERS, "cpv": "123"})
    assert r.status_code == 422
    assert 'id="f-cpv" name="cpv" value="123" aria-describedby="f-cpv-aide f-cpv-erreur" aria-invalid="true"' in r.text
    assert "code CPV attendu : 8 chiffres" in r.text and 'href="#f-cpv"' in r.text


def test_a_refused_route_gives_no_document_but_the_reasons(client):
    answers = {**ANSWERS, "contract_type": "concession", "mode": "objet_marche", "procedure": "procedure_negociee"}
    r = client.post("/document", data=answers)
    assert r.status_code == 422 and "Aucun document ne peut être rédigé" in r.text and "non admise" in r.text


def test_the_form_endpoints_refuse_other_bodies(client):
    assert client.post("/", content=b"{}", headers={"content-type": "application/json"}).status_code == 415
    assert client.post("/", data={"title": "x" * 70_000}).status_code == 413
