"""Only people of the registry's age are registered as elders: the rule, and each door to it
(the add form, the edit form, the API, the import); younger people are refused with the reason."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from yiyang.core.testing import World, new_id_number
from yiyang.people.eligibility import RegistryAgeRule, parse_groups, refusal, registry_rule
from yiyang.people.models import Elder
from yiyang.people.tests.factories import ElderFactory
from yiyang.people.tests.test_imports import run, workbook
from yiyang.people.tests.test_views import form_data

D = datetime.date
TODAY = D(2026, 12, 5)


@pytest.mark.parametrize(
    ("rule", "birth", "disabled", "expected"),
    [
        (RegistryAgeRule(), D(1966, 12, 5), False, None),  # 60 today: registered
        (RegistryAgeRule(), D(1966, 12, 6), False, (59, 60)),  # 60 tomorrow: not yet
        (RegistryAgeRule(), D(2000, 3, 1), False, (26, 60)),
        (RegistryAgeRule(), D(1930, 1, 1), False, None),
        (RegistryAgeRule(), D(1969, 1, 1), True, (57, 60)),  # no lower group configured
        (RegistryAgeRule(groups={"disabled": 55}), D(1969, 1, 1), True, None),
        (RegistryAgeRule(groups={"disabled": 55}), D(1969, 1, 1), False, (57, 60)),
        (RegistryAgeRule(groups={"disabled": 55}), D(1972, 1, 1), True, (54, 55)),
        (RegistryAgeRule(min_age=65), D(1963, 1, 1), False, (63, 65)),
        (RegistryAgeRule(min_age=55), D(1971, 12, 5), False, None),
        (RegistryAgeRule(), D(2027, 1, 1), False, (0, 60)),  # born after today (a typing error)
    ],
)
def test_shortfall(rule: RegistryAgeRule, birth: D, disabled: bool, expected: tuple[int, int] | None) -> None:
    assert rule.shortfall(birth, today=TODAY, disabled=disabled) == expected


@pytest.mark.parametrize(
    ("text", "groups"), [("", {}), ("disabled=55", {"disabled": 55}), (" disabled = 50 ,", {"disabled": 50})]
)
def test_parse_groups(text: str, groups: dict[str, int]) -> None:
    assert parse_groups(text) == groups


@pytest.mark.parametrize("text", ["veterans=55", "disabled", "disabled=abc"])
def test_parse_groups_refuses_what_it_cannot_mean(text: str) -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_groups(text)


def test_the_rule_comes_from_settings() -> None:
    assert registry_rule() == RegistryAgeRule(60, {})
    with override_settings(PEOPLE_REGISTRY_MIN_AGE=65, PEOPLE_REGISTRY_MIN_AGE_GROUPS="disabled=55"):
        assert registry_rule() == RegistryAgeRule(65, {"disabled": 55})


def test_the_reason_speaks_the_readers_language() -> None:
    assert "未满60周岁（现26岁），不能登记为老年人" in refusal(26, 60)
    assert "家庭成员或联系人" in refusal(26, 60)
    with translation.override("en"):
        assert "Under 60 (now 26)" in refusal(26, 60)


# -- the doors --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_add_form_refuses_a_younger_person(client: Client, world: World) -> None:
    client.force_login(world.bob)
    response = client.post(reverse("people:elder_add"), form_data(world, id_number=new_id_number(age=26)))
    assert response.status_code == 200
    assert "未满60周岁（现26岁），不能登记为老年人" in response.content.decode()
    assert not Elder.objects.exists()
    assert (
        client.post(
            reverse("people:elder_add"), form_data(world, id_number=new_id_number(age=60))
        ).status_code
        == 302
    )


@pytest.mark.django_db
@override_settings(PEOPLE_REGISTRY_MIN_AGE_GROUPS="disabled=55")
def test_a_place_registers_a_group_earlier(client: Client, world: World) -> None:
    client.force_login(world.bob)
    young = new_id_number(age=57)
    response = client.post(reverse("people:elder_add"), form_data(world, id_number=young))
    assert "未满60周岁（现57岁）" in response.content.decode()
    response = client.post(
        reverse("people:elder_add"), form_data(world, id_number=young, disability_grade="3")
    )
    assert response.status_code == 302
    assert Elder.objects.get().age == 57


@pytest.mark.django_db
def test_the_edit_form_refuses_a_younger_persons_number(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, age=80)
    client.force_login(world.bob)
    url = reverse("people:elder_edit", args=[elder.pk])
    response = client.post(url, form_data(world, id_number=new_id_number(age=40), name=elder.name))
    assert response.status_code == 200
    assert "未满60周岁（现40岁）" in response.content.decode()
    elder.refresh_from_db()
    assert elder.age == 80


@pytest.mark.django_db
def test_a_record_registered_before_the_rule_is_kept_and_editable(client: Client, world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, age=58)  # registered when 55 was the rule
    client.force_login(world.bob)
    response = client.post(
        reverse("people:elder_edit", args=[elder.pk]),
        form_data(world, id_number="", name=elder.name, address="新地址"),
    )
    assert response.status_code == 302
    elder.refresh_from_db()
    assert elder.address == "新地址"


def _post_json(client: Client, data: dict[str, Any]) -> Any:
    return client.post(reverse("elder-list"), json.dumps(data), content_type="application/json")


@pytest.mark.django_db
def test_the_api_refuses_a_younger_person(client: Client, world: World) -> None:
    client.force_login(world.bob)
    data = {"id_number": new_id_number(age=30), "name": "王小明", "area": world.areas.community_a1.code}
    response = _post_json(client, data)
    assert response.status_code == 400, response.content
    assert "未满60周岁（现30岁）" in json.loads(response.content)["id_number"][0]
    assert not Elder.objects.exists()
    response = _post_json(client, {**data, "id_number": new_id_number(age=61)})
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_the_import_refuses_the_row_with_the_reason(world: World) -> None:
    rows = [
        [1, "周建国", "男", new_id_number(age=79, sex="M"), "", "", "东市社区", "独居"],
        [2, "周小军", "男", new_id_number(age=26, sex="M"), "", "", "东市社区", "独居"],
    ]
    batch = run(world, workbook(rows))
    assert not Elder.objects.exists()  # the file is refused whole unless told to skip bad rows
    assert any("未满60周岁（现26岁），不能登记为老年人" in str(e) for e in batch.errors), batch.errors
    batch = run(world, workbook(rows), skip_invalid=True)
    assert list(Elder.objects.values_list("name", flat=True)) == ["周建国"]
