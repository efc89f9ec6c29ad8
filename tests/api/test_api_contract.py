"""The API contract as clients read it: /api/v1/schema/ describes what the server does.

* The schema generates without a warning (colliding component names, unresolvable fields) and is a
  valid OpenAPI document.
* Schemathesis over every operation, against the demo district: no server error and no answer the
  schema does not describe (status code, content type, headers, body).
* A Python client generated from the schema (openapi-python-client), with no hand-written code in
  between, lists every alarm and dispatches a work order.
"""

from __future__ import annotations

import datetime
import importlib
import json
import pkgutil
import subprocess
import sys
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events

from tests.api.conftest import ApiServer
from yiyang.safety.models import Alarm
from yiyang.services.choices import OrderStatus
from yiyang.services.models import WorkOrder


def test_the_schema_generates_without_warnings_and_validates(tmp_path: Path) -> None:
    GENERATOR_STATS.reset()  # warnings are counted per process; count this generation's only
    path = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(path)
    )
    schema = json.loads(path.read_text())
    operations = {
        f"{method.upper()} {url}": operation
        for url, item in schema["paths"].items()
        for method, operation in item.items()
    }
    assert len(operations) > 80
    for name, operation in operations.items():
        assert {"400", "401", "403", "404"} <= set(operation["responses"]), name
        # One encoding per body: a generated client offered several sends the last one.
        assert len(operation.get("requestBody", {"content": {0: 0}})["content"]) == 1, name
    dispatch = operations["POST /api/v1/services/work-orders/{id}/dispatch/"]["requestBody"]
    assert dispatch["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/WorkOrderDispatchRequest"
    }
    assert set(schema["components"]["schemas"]["WorkOrderDispatchRequest"]["properties"]) == {
        "provider",
        "worker",
    }


# -- schemathesis ------------------------------------------------------------------------------

#: Examples drawn per operation and generation mode in the fuzzing phase: bounded, so CI stays fast.
MAX_EXAMPLES = 10

#: Checks left out, and why. ``positive_data_acceptance``: a schema-valid request that a business
#: rule refuses (an elder outside the caller's areas, a verb the order's state forbids) rightly
#: answers 400. ``negative_data_rejection``: DRF reads input leniently (a number where text is
#: expected, an unreadable ``limit`` as the default page size), and this check counts every such
#: acceptance; what the API refuses, it refuses with a documented 400.
EXCLUDED_CHECKS = ("positive_data_acceptance", "negative_data_rejection")


def test_schemathesis_finds_no_server_error_and_no_schema_violation(api_server: ApiServer) -> None:
    config = SchemathesisConfig.from_dict(
        {
            "seed": 20261205,
            "workers": 1,
            # Under a loaded CI machine a large list can take tens of seconds: wait, do not fail.
            "request-timeout": 120,
            "headers": api_server.headers,
            "generation": {"max-examples": MAX_EXAMPLES, "database": "none"},
            "phases": {
                # Every parameter's boundary values once (the fuzzing phase covers invalid input);
                # neither repeated query parameters nor HTTP methods the schema does not list.
                "coverage": {
                    "generation": {"mode": "positive"},
                    "generate-duplicate-query-parameters": False,
                    "unexpected-methods": [],
                },
            },
            "checks": {name: {"enabled": False} for name in EXCLUDED_CHECKS},
        }
    )
    # The schema needs a login (issue 18, item 10): schemathesis reads it with the client's token.
    schema = schemathesis.openapi.from_url(
        f"{api_server.url}/api/v1/schema/", config=config, timeout=120, headers=api_server.headers
    )
    failures: set[str] = set()
    cases: Counter[str] = Counter()
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            cases[event.phase.value] += len(event.recorder.cases)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.failure_info is not None:
                        failure = check.failure_info.failure
                        failures.add(
                            f"{event.recorder.label} [{check.name}] {failure.title}: {failure.message}\n"
                            f"    {check.failure_info.code_sample}"
                        )
        elif isinstance(event, events.NonFatalError):
            failures.add(f"{event.label}: {event.info.format()}")
        elif isinstance(event, events.FatalError):
            raise event.exception
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(sorted(failures))
    # Each phase ran: a run that tested nothing would pass as well.
    assert cases["coverage"] > 1000 and cases["fuzzing"] > 500 and cases["stateful"] > 0, cases


# -- a generated client ------------------------------------------------------------------------

PACKAGE = "yiyang_client"


@pytest.fixture
def generated(api_server: ApiServer, tmp_path: Path) -> Iterator[ModuleType]:
    """The client package, generated from the served schema, importable for this test only."""
    request = urllib.request.Request(
        f"{api_server.url}/api/v1/schema/?format=json", headers=api_server.headers
    )
    with urllib.request.urlopen(request) as response:
        (tmp_path / "schema.json").write_bytes(response.read())
    (tmp_path / "config.yaml").write_text(
        f"project_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\npost_hooks: []\n"
    )
    subprocess.run(
        [sys.executable, "-m", "openapi_python_client", "generate", "--path", "schema.json",
         "--config", "config.yaml", "--meta", "none", "--output-path", PACKAGE],
        cwd=tmp_path, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module(PACKAGE)
        # Every operation and model of the client imports: nothing the schema says breaks it.
        for module in pkgutil.walk_packages(package.__path__, f"{PACKAGE}."):
            importlib.import_module(module.name)
        yield package
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_a_generated_client_lists_alarms_and_dispatches_a_work_order(
    api_server: ApiServer, generated: ModuleType
) -> None:
    client = generated.AuthenticatedClient(
        base_url=api_server.url, token=api_server.token, prefix="Token", raise_on_unexpected_status=True
    )
    models = _module("models")

    # Every alarm of the district, page by page, each parsed into the client's model: open ones have
    # no dispatch target and no outcome yet (blank), which a strict client refused before.
    alarms_list = _module("api.safety.safety_alarms_list")
    seen: list[Any] = []
    while True:
        page = alarms_list.sync(client=client, limit=200, offset=len(seen))
        assert isinstance(page, models.PaginatedAlarmList), page
        seen.extend(page.results)
        if not page.results or len(seen) >= page.count:
            break
    assert page.count == len(seen) == Alarm.objects.count() > 200
    assert {a.id for a in seen} == set(Alarm.objects.values_list("pk", flat=True))
    assert any(isinstance(a.dispatch_target, models.BlankEnum) for a in seen)
    assert any(isinstance(a.outcome, models.BlankEnum) for a in seen)
    assert any(isinstance(a.dispatch_target, models.DispatchTargetEnum) for a in seen)

    # A new order for an elder and a service the demo's providers already serve, then the dispatch
    # the hotline makes: the suggested provider and worker.
    served = WorkOrder.objects.filter(status=OrderStatus.COMPLETED, elder__latitude__isnull=False).first()
    assert served is not None
    created = _module("api.services.services_work_orders_create").sync(
        client=client,
        body=models.WorkOrderCreateRequest(
            elder=served.elder_id,
            item=served.item_id,
            scheduled_start=timezone.now() + datetime.timedelta(days=1),
            confirm_duplicate=True,
        ),
    )
    assert isinstance(created, models.WorkOrder), created
    assert created.status == models.WorkOrderStatusEnum.NEW
    suggestions = _module("api.services.services_work_orders_suggest_retrieve").sync(
        id=created.id, client=client
    )
    assert isinstance(suggestions, models.Suggestions) and suggestions.suggestions, suggestions
    pick = suggestions.suggestions[0]
    dispatched = _module("api.services.services_work_orders_dispatch_create").sync(
        id=created.id,
        client=client,
        body=models.WorkOrderDispatchRequest(provider=pick.provider_id, worker=pick.worker_id),
    )
    assert isinstance(dispatched, models.WorkOrder), dispatched
    assert (dispatched.status, dispatched.provider, dispatched.worker) == (
        models.WorkOrderStatusEnum.ASSIGNED,
        pick.provider_id,
        pick.worker_id,
    )
    order = WorkOrder.objects.get(pk=created.id)
    assert (order.status, order.provider_id, order.worker_id) == (
        OrderStatus.ASSIGNED,
        pick.provider_id,
        pick.worker_id,
    )

    # A refusal arrives as the documented error model, with the action's message.
    again = _module("api.services.services_work_orders_accept_create").sync(id=created.id, client=client)
    assert isinstance(again, models.ValidationError), again
    assert again.detail == "只有待接单的工单可以接单"
