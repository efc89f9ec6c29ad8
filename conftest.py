"""Test-run settings and the standing fixtures every app's tests share.

Settings are adjusted here once for the whole session rather than through pytest-django's
function-scoped ``settings`` fixture: background jobs run immediately, passwords hash fast, uploaded
files land in a throw-away directory. Everything else comes from ``config/settings.py`` as deployed,
so the same suite runs on SQLite (the default) and on PostgreSQL (``YIYANG_DATABASE_URL``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from yiyang.core.testing import World

pytest_plugins = ["yiyang.core.testing_browser"]

_tmp_root: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _tmp_root
    from django.conf import settings

    _tmp_root = tempfile.mkdtemp(prefix="yiyang-test-")
    settings.DEBUG = False
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    # A task declared by a module that app loading imported has already built the database backend.
    from django.core.signals import setting_changed

    setting_changed.send(sender=None, setting="TASKS", value=settings.TASKS, enter=True)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = os.path.join(_tmp_root, "media")
    # WhiteNoise warns on every request when the collected-static directory is missing.
    settings.STATIC_ROOT = os.path.join(_tmp_root, "static")
    os.makedirs(settings.STATIC_ROOT)
    # A test client that logs in without the password (force_login) also skips the second factor.
    from yiyang.core.testing import install_second_factor_login

    install_second_factor_login()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _tmp_root:
        shutil.rmtree(_tmp_root, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Throttle counters (the token endpoint allows 20 a minute) live in the cache: start each test clean.

    Axes keeps failed logins in the database, which the test transaction rolls back.
    """
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db: Any) -> World:
    """The area tree (district 320612, streets A and B) and the standing users of the access matrix."""
    from yiyang.core.testing import build_world

    return build_world()


# Rules that data migrations load (the safety service levels, the time bank's cap, complaint deadlines, the holiday calendar,
# scorecard points): a transactional test ends by emptying every table (flush), so they are loaded
# again when flush signals post_migrate, before the next test of that process finds no rule in force.
_SEEDED_BY_MIGRATIONS = (
    ("yiyang.safety.migrations.0002_default_rules", "add_defaults", "safety.RuleConfig"),
    ("yiyang.volunteers.migrations.0003_default_bank_rule", "add_rule", "volunteers.BankRule"),
    ("yiyang.complaints.migrations.0002_rules_and_calendar", "load", "complaints.DeadlineRule"),
    ("yiyang.complaints.migrations.0003_scorecards", "load", "complaints.ScoreRule"),
    ("yiyang.complaints.migrations.0007_institution_scorecards", "load", "complaints.ScoreRule"),
    ("yiyang.cards.migrations.0002_default_rules", "load", "cards.CardRule"),
    ("yiyang.cards.migrations.0002_default_rules", "load", "cards.InsuranceRule"),
    ("yiyang.workforce.migrations.0002_default_rules", "load", "workforce.PostSubsidyRule"),
)


def _reseed_after_flush(sender: Any, using: str = "default", **kwargs: Any) -> None:
    import importlib

    from django.apps import apps

    mine = [row for row in _SEEDED_BY_MIGRATIONS if row[2].startswith(f"{sender.label}.")]
    # Emptiness is read before any loading: two migrations may seed one table (the scorecard rules).
    empty = {label for _, _, label in mine if not apps.get_model(label).objects.using(using).exists()}
    for module, function, label in mine:
        if label in empty:
            getattr(importlib.import_module(module), function)(apps, None)


def pytest_sessionstart(session: pytest.Session) -> None:
    from django.db.models.signals import post_migrate

    post_migrate.connect(_reseed_after_flush, dispatch_uid="yiyang-test-reseed")
    _let_flush_empty_the_audit_trail()


def _let_flush_empty_the_audit_trail() -> None:
    """A transactional test ends with flush, which on SQLite is DELETE FROM every table: the audit
    trail's trigger refuses that outside its gate (core.0005), so the test flush opens the gate around
    its own statements. PostgreSQL flushes with TRUNCATE, which row triggers do not see."""
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    operations = type(connection.ops)
    original = operations.sql_flush
    if getattr(original, "_opens_audit_gate", False):
        return

    def sql_flush(self: Any, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        statements = original(self, style, tables, **kwargs)
        if "core_auditentry" not in tables:
            return statements
        gate = "INSERT INTO core_auditgate (opened_by) VALUES ('test flush')"
        return [gate, *statements, "DELETE FROM core_auditgate"]

    sql_flush._opens_audit_gate = True  # type: ignore[attr-defined]
    operations.sql_flush = sql_flush  # type: ignore[method-assign]
