"""Schemathesis reads the OpenAPI schema and sends generated requests to every operation, with and without the
ingest token: no answer may be a server error, and every answer must match what the schema declares.
Bounded: a fixed, derandomised number of examples per operation, so the run takes the same time every time."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from app.web.ingest_routes import get_enqueuer

EXAMPLES = 12
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture()
def api_schema(client):
    """The running app's own schema; jobs it accepts are recorded, not run (no model loads in this test)."""
    client.app.dependency_overrides[get_enqueuer] = lambda: (lambda job_id: None)
    return schemathesis.openapi.from_asgi("/-/openapi.json", client.app)


bounded = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))


def fuzz_every_operation(api_schema, headers: dict[str, str]) -> list[str]:
    """Run each operation's generated cases; the operations tried, so a test can tell it reached them all."""
    tried = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @bounded
        def run(case) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
        tried.append(operation.label)
    return tried


@pytest.mark.db
def test_no_operation_answers_a_server_error_without_the_token(api_schema):
    tried = fuzz_every_operation(api_schema, {})
    assert "POST /-/ingest.json" in tried and "GET /timeline.json" in tried and len(tried) >= 10


@pytest.mark.db
def test_no_operation_answers_a_server_error_with_the_token(api_schema):
    fuzz_every_operation(api_schema, {"Authorization": "Bearer test-token"})
