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
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = os.path.join(_tmp_root, "media")
    # WhiteNoise warns on every request when the collected-static directory is missing.
    settings.STATIC_ROOT = os.path.join(_tmp_root, "static")
    os.makedirs(settings.STATIC_ROOT)


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
