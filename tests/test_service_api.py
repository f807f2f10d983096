"""The HTTP API against a running service: the same outputs as the command line, and every error case as
RFC 9457 problem details in French."""

from __future__ import annotations

import json
from pathlib import Path

import httpx  # noqa: E402 - after the skip in tests._service
import pytest

from cli import cli  # noqa: E402
from engine.service.settings import Settings  # noqa: E402
from tests._service import LiveService

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
JSON = {"content-type": "application/json"}
BASE = {"segment": "travaux", "amount": 6_200_000, "procedure": "appel_offres", "buyer_type": "collectivite",
        "launch_date": "2026-11-24"}


@pytest.fixture(scope="module")
def service():
    with LiveService() as live:
        yield live


@pytest.fixture(scope="module")
def client(service):
    with httpx.Client(base_url=service.url, timeout=30) as c:
        yield c


def post(client, path, market, **kw):
    body = market if isinstance(market, bytes) else json.dumps(market).encode()
    return client.post(path, content=body, headers=kw.pop("headers", JSON), **kw)


def problem(response, status, kind):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == f"urn:clausier:probleme:{kind}"
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


# --- same outputs as the command line ----------------------------------------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_decision_is_the_clis_json_byte_for_byte(client, runner, path):
    cli_out = runner.invoke(cli, ["evaluate", str(path)])
    assert cli_out.exit_code == 0, cli_out.stderr
    r = post(client, "/v1/decision", path.read_bytes())
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.content == cli_out.stdout_bytes


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_explanation_is_the_clis_text(client, runner, path):
    cli_out = runner.invoke(cli, ["explain", str(path)])
    r = post(client, "/v1/explanation", path.read_bytes())
    assert r.status_code == 200 and r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.content == cli_out.stdout_bytes


@pytest.mark.parametrize("options, flags", [("", []), ("?annex=false&comments=false", ["--no-annex", "--no-comments"])])
def test_document_is_the_clis_docx(client, runner, tmp_path, options, flags):
    path = ROOT / "examples" / "travaux_condition_execution.json"
    out = tmp_path / "clause.docx"
    assert runner.invoke(cli, ["generate", str(path), "-o", str(out), *flags]).exit_code == 0
    r = post(client, "/v1/document" + options, path.read_bytes())
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert r.content == out.read_bytes()
    assert r.headers["content-disposition"] == ("attachment; filename=\"clause-insertion-2026-TRX-014.docx\"; "
                                                "filename*=UTF-8''clause-insertion-2026-TRX-014.docx")


def test_document_file_name_keeps_accents_in_its_utf8_form(client):
    r = post(client, "/v1/document", {**BASE, "title": "Propreté des écoles / lot « été »"})
    assert r.status_code == 200
    assert r.headers["content-disposition"] == (
        "attachment; filename=\"clause-insertion-Proprete-des-ecoles-lot-ete.docx\"; "
        "filename*=UTF-8''clause-insertion-Propret%C3%A9-des-%C3%A9coles-lot-%C3%A9t%C3%A9.docx")


def test_schema_and_rules_are_the_clis(client, runner):
    assert client.get("/v1/schema/market").content == runner.invoke(cli, ["schema"]).stdout_bytes
    every = runner.invoke(cli, ["rules", "list", "--format", "json"]).stdout_bytes
    on_date = runner.invoke(cli, ["rules", "list", "--format", "json", "--date", "2020-01-01"]).stdout_bytes
    assert client.get("/v1/rules").content == every
    assert client.get("/v1/rules", params={"on": "2020-01-01"}).content == on_date
    assert len(json.loads(on_date)) < len(json.loads(every))


def test_the_on_parameter_is_the_clis_date_option(client, runner, tmp_path):
    market = {k: v for k, v in BASE.items() if k != "launch_date"}
    path = tmp_path / "m.json"
    path.write_text(json.dumps(market))
    cli_out = runner.invoke(cli, ["evaluate", str(path), "--date", "2025-03-01"])
    r = post(client, "/v1/decision", market, params={"on": "2025-03-01"})
    assert r.content == cli_out.stdout_bytes
    assert r.json()["launch_date"] == "2025-03-01" and r.json()["date_source"] == "option"


# --- health -----------------------------------------------------------------------------------------------

def test_health_and_readiness(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "pret"
    assert ready["ruleset_version"] == post(client, "/v1/decision", BASE).json()["ruleset_version"]


# --- errors -----------------------------------------------------------------------------------------------

def test_malformed_json_is_400_with_the_position(client):
    body = problem(post(client, "/v1/decision", b'{"amount": 12,'), 400, "json-mal-forme")
    assert "ligne 1, colonne 15" in body["detail"]
    assert body["errors"] == [{"pointer": "", "code": "json_syntax", "detail": body["detail"]}]


@pytest.mark.parametrize("path", ["/v1/decision", "/v1/document", "/v1/explanation"])
def test_body_over_one_mebibyte_is_413_announced_or_streamed(client, path):
    big = b'{"title": "' + b"x" * (1024 * 1024) + b'"}'
    body = problem(post(client, path, big), 413, "corps-trop-volumineux")
    assert body["max_bytes"] == 1024 * 1024

    def chunks():  # no Content-Length: the limit holds while reading
        for _ in range(20):
            yield b" " * 65536

    problem(client.post(path, content=chunks(), headers=JSON), 413, "corps-trop-volumineux")


@pytest.mark.parametrize("ctype", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_a_body_that_is_not_json_is_415(client, ctype):
    headers = {"content-type": ctype} if ctype else {}
    r = client.post("/v1/decision", content=json.dumps(BASE).encode(), headers=headers)
    assert "application/json" in problem(r, 415, "type-de-contenu-non-admis")["detail"]


def test_json_with_a_charset_or_a_json_suffix_is_accepted(client):
    for ctype in ("application/json; charset=utf-8", "application/vnd.clausier+json"):
        assert post(client, "/v1/decision", BASE, headers={"content-type": ctype}).status_code == 200


def test_invalid_input_is_422_with_a_pointer_code_and_french_detail_per_field(client):
    market = {**BASE, "amount": -5, "procedure": "tirage_au_sort", "couleur": "bleu",
              "lots": [{"number": "1", "amount": "cent"}], "insertion": {"rate": 2}}
    del market["buyer_type"]
    body = problem(post(client, "/v1/decision", market), 422, "entree-invalide")
    errors = {e["pointer"]: e for e in body["errors"]}
    assert errors["/amount"]["code"] == "greater_than" and "strictement supérieur à 0" in errors["/amount"]["detail"]
    assert errors["/procedure"]["code"] == "literal_error" and "appel_offres" in errors["/procedure"]["detail"]
    assert errors["/buyer_type"] == {"pointer": "/buyer_type", "code": "missing", "detail": "champ obligatoire manquant"}
    assert errors["/couleur"]["code"] == "extra_forbidden" and "champ inconnu" in errors["/couleur"]["detail"]
    assert errors["/lots/0/amount"]["code"] == "float_type"
    assert errors["/insertion/rate"]["code"] == "less_than_equal"
    assert body["detail"] == f"{len(errors)} champs à corriger"


def test_market_level_checks_point_at_their_field(client):
    market = {k: v for k, v in BASE.items() if k != "segment"}
    body = problem(post(client, "/v1/decision", market), 422, "entree-invalide")
    assert body["errors"][0]["pointer"] == "/segment" and body["errors"][0]["code"] == "segment_ou_cpv"
    lots = {**BASE, "lots": [{"number": "1", "amount": 5e6}, {"number": "2", "amount": 5e6}]}
    body = problem(post(client, "/v1/decision", lots), 422, "entree-invalide")
    assert body["errors"] == [{"pointer": "/lots", "code": "lots_somme", "detail": body["errors"][0]["detail"]}]


@pytest.mark.parametrize("text, pointer", [(b'{"amount": NaN}', "/amount"), (b'{"amount": 1, "amount": 2}', "/amount"),
                                           (b"[1, 2]", "")])
def test_json_the_engine_refuses_is_422_at_its_place(client, text, pointer):
    body = problem(post(client, "/v1/decision", text), 422, "entree-invalide")
    assert pointer in [e["pointer"] for e in body["errors"]]


def test_a_launch_date_outside_the_rules_is_422_date_non_couverte(client):
    body = problem(post(client, "/v1/decision", {**BASE, "launch_date": "2001-01-01"}), 422, "date-non-couverte")
    assert body["errors"][0]["pointer"] == "/launch_date" and "2001-01-01" in body["detail"]


def test_a_document_for_a_refused_mode_is_422_with_reasons_and_eligible_modes(client):
    market = {"segment": "environnement", "amount": 3_000_000, "procedure": "procedure_negociee",
              "buyer_type": "collectivite", "contract_type": "concession", "mode": "objet_marche",
              "launch_date": "2026-06-01"}
    decision = post(client, "/v1/decision", market).json()
    assert decision["allowed"] is False  # a decision is not an error: it says why
    body = problem(post(client, "/v1/document", market), 422, "mode-non-admis")
    assert body["mode"] == "objet_marche"
    assert body["reasons"] == decision["reasons"] and body["reasons"]
    assert body["eligible_modes"] == decision["eligible_modes"]


@pytest.mark.parametrize("query, name", [("/v1/rules?on=demain", "on"), ("/v1/rules?on=0", "on"),
                                         ("/v1/rules?on=2026-02-30", "on"), ("/v1/decision?on=1", "on"),
                                         ("/v1/document?annex=peut-etre", "annex")])
def test_bad_query_parameters_are_422_parametre_invalide(client, query, name):
    r = client.get(query) if "rules" in query else post(client, query, BASE)
    body = problem(r, 422, "parametre-invalide")
    assert body["errors"][0]["parameter"] == name


def test_unknown_address_and_wrong_method(client):
    problem(client.get("/v1/decisions"), 404, "introuvable")
    r = client.get("/v1/decision")
    problem(r, 405, "methode-non-admise")
    assert r.headers["allow"] == "POST"


def test_an_internal_error_is_500_without_internals(client, monkeypatch, caplog):
    from engine.service import api

    def broken(*args, **kwargs):
        raise RuntimeError("/srv/secret/path: boom")

    monkeypatch.setattr(api, "evaluate_market", broken)
    r = post(client, "/v1/decision", BASE)
    body = problem(r, 500, "erreur-interne")
    assert "secret" not in r.text and "RuntimeError" not in r.text and "Traceback" not in r.text
    logged = [rec for rec in caplog.records if body["request_id"] in rec.getMessage()]
    assert logged and logged[0].exc_info[0] is RuntimeError  # the operator gets the traceback, the client does not
    assert client.get("/healthz").status_code == 200  # the same keep-alive connection still answers


# --- headers ----------------------------------------------------------------------------------------------

def test_every_response_has_a_request_id_and_a_sane_one_is_kept(client):
    for r in (client.get("/healthz"), client.get("/"), client.get("/static/clausier.css"),
              post(client, "/v1/decision", b"{"), client.get("/nulle-part")):
        assert len(r.headers["x-request-id"]) == 32
    assert client.get("/healthz", headers={"x-request-id": "lb-1234"}).headers["x-request-id"] == "lb-1234"
    sent = "a b<script>".encode()
    assert client.get("/healthz", headers={"x-request-id": sent}).headers["x-request-id"].isalnum()


def test_cors_is_off_by_default(client):
    r = client.options("/v1/decision", headers={"origin": "https://plateforme.example",
                                                "access-control-request-method": "POST"})
    assert "access-control-allow-origin" not in r.headers
    r = post(client, "/v1/decision", BASE, headers={**JSON, "origin": "https://plateforme.example"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_allow_list():
    with LiveService(Settings(cors_origins=("https://plateforme.example",))) as live:
        ok = httpx.options(live.url + "/v1/decision", headers={"origin": "https://plateforme.example",
                                                               "access-control-request-method": "POST",
                                                               "access-control-request-headers": "content-type"})
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "https://plateforme.example"
        other = httpx.post(live.url + "/v1/decision", json=BASE, headers={"origin": "https://autre.example"})
        assert other.status_code == 200 and "access-control-allow-origin" not in other.headers
        allowed = httpx.post(live.url + "/v1/decision", json=BASE, headers={"origin": "https://plateforme.example"})
        assert allowed.headers["access-control-allow-origin"] == "https://plateforme.example"
        assert "x-request-id" in allowed.headers["access-control-expose-headers"].lower()


def test_a_client_that_hangs_up_mid_body_is_not_an_internal_error(service, client, caplog):
    import socket
    from urllib.parse import urlsplit

    url = urlsplit(service.url)
    body = json.dumps(BASE).encode()
    for _ in range(5):
        with socket.create_connection((url.hostname, url.port)) as s:
            s.sendall(b"POST /v1/document HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      + f"Content-Length: {len(body)}\r\n\r\n".encode() + body[:10])
    assert post(client, "/v1/decision", BASE).status_code == 200
    assert not [r for r in caplog.records if "erreur interne" in r.getMessage()]
