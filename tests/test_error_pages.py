"""With debug off (as `make run` and production serve), errors are the site's own pages in the reader's
language: Chinese by default, English when chosen; never Django's technical pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import path, reverse

from config.urls import urlpatterns as site_urlpatterns
from yiyang.core.testing import World
from yiyang.people.tests.factories import ElderFactory


def _boom(request: Any) -> Any:
    raise RuntimeError("a bug")


urlpatterns = [*site_urlpatterns, path("boom/", _boom)]

PAGES = {
    # language → (404 heading, 403 heading, 500 heading)
    "zh-hans": ("页面不存在或无权查看", "无权进行此操作", "系统出现错误"),
    "en": (
        "Page not found or not visible to you",
        "You are not permitted to do this",
        "Something went wrong",
    ),
}
TECHNICAL = ("URLconf", "Traceback", "DEBUG = True", "django.urls", "RuntimeError")


def _page(response: Any) -> str:
    text: str = response.content.decode()
    assert not any(marker in text for marker in TECHNICAL), text[:2000]
    assert "/static/vendor/bootstrap/css/bootstrap.min.css" in text  # the site's look
    return text


def _client(world: World, who: str, language: str, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(world.users[who])
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize("language", PAGES)
def test_another_streets_elder_is_the_sites_404(world: World, language: str) -> None:
    elder = ElderFactory.create(name="王五", area=world.areas.community_b1)
    response = _client(world, "bob", language).get(reverse("people:elder_detail", args=[elder.pk]))
    assert response.status_code == 404
    assert PAGES[language][0] in _page(response)
    assert "王五" not in response.content.decode()


@pytest.mark.parametrize("language", PAGES)
def test_an_unknown_address_is_the_sites_404(world: World, language: str) -> None:
    response = _client(world, "bob", language).get("/no/such/page/")
    assert response.status_code == 404
    assert PAGES[language][0] in _page(response)


@pytest.mark.parametrize("language", PAGES)
def test_a_forbidden_page_is_the_sites_403(world: World, language: str) -> None:
    response = _client(world, "grace", language).get(reverse("core:import_template", args=["people.elder"]))
    assert response.status_code == 403
    assert PAGES[language][1] in _page(response)


@override_settings(ROOT_URLCONF=__name__)  # the site's URLs and one that crashes
@pytest.mark.parametrize("language", PAGES)
def test_a_crash_is_the_sites_500(world: World, language: str) -> None:
    response = _client(world, "bob", language, raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    text = _page(response)
    assert PAGES[language][2] in text
    assert f'lang="{"en" if language == "en" else "zh-CN"}"' in text


def test_the_favicon_is_served(client: Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert response.getvalue()[:4] == b"\x00\x00\x01\x00"  # an ICO file
