"""After midnight the dashboard shows the last complete day's figures, labelled with their date, and
leaves the rebuild to the background worker: no page waits for it, none fails."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from yiyang.core.testing import World
from yiyang.people.models import ElderStat, ElderStatState
from yiyang.people.stats import rebuild, stats_rebuild_task
from yiyang.people.tests.factories import ElderFactory

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _yesterdays_figures(world: World) -> datetime.date:
    ElderFactory.create_batch(3, area=world.areas.community_a1)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    rebuild(today=yesterday)
    return yesterday


@pytest.mark.django_db
def test_the_first_pages_after_midnight_show_yesterday_and_queue_the_rebuild_once(
    client: Client, world: World
) -> None:
    yesterday = _yesterdays_figures(world)
    rebuilt_at = ElderStatState.objects.get().rebuilt_at
    client.force_login(world.alice)
    with override_settings(TASKS=DUMMY):
        from django_tasks import default_task_backend

        for _ in range(2):
            page = client.get(reverse("reports:dashboard"))
            assert page.status_code == 200
            assert f"{yesterday:%Y-%m-%d}" in page.content.decode()
        assert ElderStatState.objects.get().rebuilt_at == rebuilt_at  # no page rebuilt
        assert ElderStatState.objects.get().as_of == yesterday
        results = default_task_backend.results  # type: ignore[attr-defined]
        queued = [r for r in results if r.task.name == stats_rebuild_task.name]
        assert queued
    stats_rebuild_task.call()  # what the worker runs
    state = ElderStatState.objects.get()
    assert state.as_of == timezone.localdate()
    body = client.get(reverse("reports:dashboard")).content.decode()
    assert f"{timezone.localdate():%Y-%m-%d}" in body
    assert sum(ElderStat.objects.values_list("total", flat=True)) == 3


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent requests: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_first_requests_after_midnight_neither_waits_nor_fails(world: World) -> None:
    yesterday = _yesterdays_figures(world)
    results: list[tuple[int, str]] = []

    def first_request() -> None:
        from django.db import connection

        c = Client()
        c.force_login(world.alice)
        try:
            page = c.get(reverse("reports:dashboard"))
            results.append((page.status_code, page.content.decode()))
        finally:
            connection.close()

    with override_settings(TASKS=DATABASE):
        from django_tasks_db.models import DBTaskResult

        threads = [threading.Thread(target=first_request) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert [status for status, _ in results] == [200, 200]
        assert all(f"{yesterday:%Y-%m-%d}" in body for _, body in results)
        assert ElderStatState.objects.get().as_of == yesterday  # left to the worker
        queued = DBTaskResult.objects.filter(task_path=stats_rebuild_task.module_path)
        assert 1 <= queued.count() <= 2  # and a third page queues none while these wait
        third = Client()
        third.force_login(world.alice)
        before = queued.count()
        assert third.get(reverse("reports:dashboard")).status_code == 200
        assert queued.count() == before  # one is queued already
        assert queued.count() <= 2
    stats_rebuild_task.call()
    stats_rebuild_task.call()  # a second queued rebuild finds today's and does nothing
    assert ElderStatState.objects.get().as_of == timezone.localdate()
