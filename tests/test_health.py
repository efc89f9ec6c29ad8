"""GET /health/ tells a load balancer whether this instance can work, and an operator what is wrong."""

from __future__ import annotations

import asyncio
import contextvars
import datetime
import json
import logging
import socket
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from health_check.exceptions import ServiceUnavailable

from yiyang.core.context import unit_of_work
from yiyang.core.health import TaskQueue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_browser_event_loop() -> Any:
    """The health view runs its checks through asgiref's ``async_to_sync``, which refuses to run on a
    thread that has a running event loop. An earlier test of the same process that drove an event loop
    on this thread (the browser tests' Playwright) can leave one marked as running: the full suite
    failed here with "You cannot use AsyncToSync in the same thread as an async event loop". Hide it."""
    loop = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    yield
    asyncio._set_running_loop(loop)


def health(client: Client) -> tuple[int, dict[str, str]]:
    response = client.get("/health/", headers={"Accept": "application/json"})
    return response.status_code, json.loads(response.content)


def test_healthy_without_login(client: Client) -> None:
    status, body = health(client)
    assert status == 200
    assert set(body) == {"Database(alias='default')", "TaskQueue()"} and set(body.values()) == {"OK"}
    assert "no-cache" in client.get("/health/")["Cache-Control"]


def queued(minutes: int) -> DBTaskResult:
    job = DBTaskResult.objects.create(
        status=TaskResultStatus.READY,
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="yiyang.core.tasks.run_import_batch",
        backend_name="default",
        queue_name="default",
        priority=0,
    )
    enqueued = timezone.now() - datetime.timedelta(minutes=minutes)  # (the field is auto_now_add)
    DBTaskResult.objects.filter(pk=job.pk).update(enqueued_at=enqueued)
    return job


def test_a_job_waiting_too_long_means_no_worker(settings) -> None:
    # The view runs its checks in threads with their own connections, which cannot see this test's
    # uncommitted rows (and a transactional test would flush the data migrations' rules for the tests
    # after it): the queue check is asked directly.
    settings.HEALTH_QUEUE_MAX_WAIT_SECONDS = 300
    jobs = [queued(minutes=2)]
    try:
        TaskQueue().run()  # a job just queued is normal
        jobs.append(queued(minutes=12))
        with pytest.raises(ServiceUnavailable, match="waited 12 min"):
            TaskQueue().run()
    finally:  # never leave a waiting job for a later test of this process (CI once saw this one there)
        DBTaskResult.objects.filter(pk__in=[job.pk for job in jobs]).delete()


def test_the_broker_where_devices_are_in_use(client: Client, settings) -> None:
    settings.HEALTH_CHECK_BROKER = True
    settings.HEALTH_QUEUE_MAX_WAIT_SECONDS = 10**9  # this test is about the broker, whatever the queue holds
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        settings.SAFETY_MQTT_HOST, settings.SAFETY_MQTT_PORT = probe.getsockname()
    status, body = health(client)
    assert status == 500 and body["Broker()"].endswith("MQTT broker unreachable")
    with socket.socket() as broker:  # a listening port stands in for the broker
        broker.bind(("127.0.0.1", 0))
        broker.listen()
        settings.SAFETY_MQTT_HOST, settings.SAFETY_MQTT_PORT = broker.getsockname()
        assert health(client) == (
            200,
            {"Database(alias='default')": "OK", "TaskQueue()": "OK", "Broker()": "OK"},
        )


def test_json_log_lines_carry_the_request_id(capsys: pytest.CaptureFixture[str]) -> None:
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    formatter: dict[str, Any] = settings.LOGGING["formatters"]["json"]
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter(formatter["fmt"], rename_fields=formatter["rename_fields"]))
    from yiyang.core.context import RequestIdFilter

    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("yiyang.test.json")
    logger.addHandler(handler)
    try:
        with unit_of_work() as rid:
            logger.warning("导入失败")
        contextvars.Context().run(logger.warning, "outside")  # no unit of work in a fresh context
    finally:
        logger.removeHandler(handler)
    first, second = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert first["request_id"] == str(rid) and first["message"] == "导入失败" and first["level"] == "WARNING"
    assert second["request_id"] == "-" and {"time", "logger", "process"} <= set(second)


def test_production_refuses_to_start_without_its_keys(tmp_path) -> None:
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("YIYANG_")}
    env |= {"YIYANG_PRODUCTION": "1", "YIYANG_VAR_DIR": str(tmp_path), "YIYANG_DEBUG": "0"}
    run = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert run.returncode != 0 and "YIYANG_SECRET_KEY is not set" in run.stderr
    assert not list(tmp_path.glob("*key*"))  # no key made up
    # outside production a machine makes its own keys, and `check --deploy` names them
    env.pop("YIYANG_PRODUCTION")
    deploy = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "core.E010" in deploy.stderr and "YIYANG_FIELD_KEY" in deploy.stderr
