"""The committed OpenAPI document is the one the service serves, and the running service keeps to it
(schemathesis generates requests from the document and checks every response against it)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx  # noqa: E402 - after the skip in tests._service
import pytest

from tests._service import LiveService

pytestmark = pytest.mark.slow  # python -m pytest --all (CI runs it)

schemathesis = pytest.importorskip("schemathesis")

COMMITTED = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


@pytest.fixture(scope="module")
def live():
    with LiveService() as service:
        yield service


def test_the_committed_openapi_document_is_the_served_one(live):
    served = httpx.get(live.url + "/v1/openapi.json").json()
    assert served == json.loads(COMMITTED.read_text(encoding="utf-8")), (
        "docs/openapi.json est périmé : python -m engine.service.openapi > docs/openapi.json")
    assert served["openapi"].startswith("3.1")


def test_every_problem_type_is_documented_and_each_route_lists_its_errors(live):
    doc = httpx.get(live.url + "/v1/openapi.json").json()
    text = json.dumps(doc, ensure_ascii=False)
    from engine.service import problems

    for kind in (problems.MALFORMED, problems.TOO_LARGE, problems.MEDIA_TYPE, problems.INVALID,
                 problems.DATE_NOT_COVERED, problems.NOT_ALLOWED, problems.PARAMETER, problems.INTERNAL,
                 problems.NOT_READY):
        assert kind.type in text, kind
    for path in ("/v1/decision", "/v1/document", "/v1/explanation"):
        responses = doc["paths"][path]["post"]["responses"]
        assert {"400", "413", "415", "422", "500"} <= set(responses)
        assert "application/problem+json" in responses["422"]["content"]
    assert "mode-non-admis" in doc["paths"]["/v1/document"]["post"]["responses"]["422"]["description"]


def test_the_running_service_keeps_to_its_openapi_document(live, tmp_path):
    """schemathesis (its command line: its pytest plugin does not load under pytest 9) generates valid and
    invalid requests for every operation from the document and checks each response: no server error,
    documented status, content type, headers and body schema, invalid data refused, 405 with Allow.

    Not checked: « positive_data_acceptance » (a request valid for the JSON Schema must be accepted). The
    market's cross-field rules (segment or CPV, lots within the amount) and the dates the rules cover are
    not expressed in the JSON Schema, so such requests are rightly refused with 422.
    """
    report = tmp_path / "schemathesis.xml"
    run = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", live.url + "/v1/openapi.json", "--checks", "all",
         "--exclude-checks", "positive_data_acceptance", "--max-examples", "40", "--seed", "2026",
         "--workers", "1", "--report", "junit", "--report-junit-path", str(report)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path)  # its cache stays out of the checkout
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in run.stdout and "7/7" in run.stdout
