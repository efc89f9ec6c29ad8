"""The registry's actions against the real database: audit, refusals, reveals, categories, statistics."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import override_settings
from django.utils import timezone

from yiyang.core.idnumber import parse_id_number
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.testing import World
from yiyang.people import actions, stats
from yiyang.people.choices import EconomicCategory, ElderStatus, LivingSituation
from yiyang.people.models import Certification, Elder, ElderContact, ElderStat
from yiyang.people.tests.factories import (
    CertificationFactory,
    ContactFactory,
    ElderFactory,
    assert_stats_match,
    elder_data,
    maintained_stats,
    register_elder,
)
from yiyang.people.timeline import elder_timeline

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def counted(world: World) -> World:
    """Statistics computed for today, so that actions keep them up to date incrementally."""
    stats.rebuild()
    return world


def audit_json(**lookup: Any) -> str:
    """Everything stored in the matching audit rows, as one string."""
    rows = AuditEntry.objects.filter(**lookup).values()
    return json.dumps([{k: str(v) for k, v in row.items()} for row in rows], ensure_ascii=False)


def secrets_of(elder: Elder, id_number: str, phone: str, health: str = "") -> list[str]:
    values = [id_number, phone, id_number[6:14], elder.id_number_enc, elder.id_number_hash, "v2:"]
    if elder.phone_hash:
        values.append(elder.phone_hash)
    if health:
        values.append(health)
    return [v for v in values if v]


# -- create / update -------------------------------------------------------------------------------


def test_create_writes_a_masked_audit_entry(world: World) -> None:
    data = elder_data(world.areas.community_a1, phone="13912345678", health="高血压，糖尿病")
    elder = actions.elder_create(data=data, actor=world.bob)

    entry = AuditEntry.objects.get(object_type="people.elder", object_id=str(elder.pk))
    assert (entry.action, entry.verb, entry.actor, entry.subject_id) == (
        "create",
        "elder.create",
        world.bob,
        elder.pk,
    )
    assert entry.area_path == world.areas.community_a1.path
    assert entry.request_id is not None
    assert entry.before is None
    assert entry.after is not None
    assert entry.after["id_number_masked"] == elder.id_number_masked
    assert entry.after["phone_masked"] == "139****5678"
    assert entry.after["health_masked"] == "已登记（需授权查看）"
    assert entry.after["name"] == elder.name
    stored = audit_json(subject_id=elder.pk)
    for secret in secrets_of(elder, data.id_number.value, "13912345678", "高血压，糖尿病"):
        assert secret not in stored


def test_create_derives_sex_birth_date_and_pinyin(world: World) -> None:
    data = elder_data(world.areas.community_a1, name="张三", sex="F", age=81)
    elder = actions.elder_create(data=data, actor=world.bob)
    assert elder.sex == "F"
    assert elder.birth_date == data.id_number.birth_date
    assert elder.age == 81
    assert (elder.name_pinyin, elder.name_initials) == ("zhangsan", "zs")
    assert elder.area_path == world.areas.community_a1.path
    assert elder.id_number == data.id_number.value
    assert elder.id_number_masked == data.id_number.value[:6] + "********" + data.id_number.value[14:]


def test_update_writes_only_what_changed_masked(world: World) -> None:
    elder = register_elder(world.bob, world.areas.community_a1, phone="13912345678")
    data = elder_data(
        world.areas.community_a2,
        id_number=elder.id_number,
        name=elder.name,
        phone="13800001111",
        address="金沙镇新址8号",
        health="冠心病",
    )
    actions.elder_update(elder=elder, data=data, actor=world.bob)

    entry = AuditEntry.objects.get(subject_id=elder.pk, verb="elder.update")
    assert entry.before is not None and entry.after is not None
    assert set(entry.after) == {"address", "area", "area_path", "phone_masked", "health_masked"}
    assert entry.before["phone_masked"] == "139****5678"
    assert entry.after["phone_masked"] == "138****1111"
    assert (entry.before["area"], entry.after["area"]) == (
        world.areas.community_a1.pk,
        world.areas.community_a2.pk,
    )
    assert entry.area_path == world.areas.community_a2.path
    stored = audit_json(subject_id=elder.pk)
    for secret in [*secrets_of(elder, elder.id_number, "13912345678", "冠心病"), "13800001111"]:
        assert secret not in stored


def test_update_that_changes_nothing_writes_no_audit_row(world: World) -> None:
    elder = register_elder(world.bob, world.areas.community_a1, phone="13912345678", address="人民路1号")
    data = elder_data(
        world.areas.community_a1,
        id_number=elder.id_number,
        name=elder.name,
        phone="13912345678",
        address="人民路1号",
    )
    actions.elder_update(elder=elder, data=data, actor=world.bob)
    assert not AuditEntry.objects.filter(subject_id=elder.pk, verb="elder.update").exists()


def test_duplicate_id_number_is_refused(world: World) -> None:
    first = register_elder(world.bob, world.areas.community_a1)
    with pytest.raises(ValidationError) as info:
        register_elder(world.alice, world.areas.community_b1, id_number=first.id_number)
    assert "id_number" in info.value.message_dict
    assert "已登记" in info.value.message_dict["id_number"][0]
    assert Elder.objects.count() == 1


def test_update_onto_another_elders_id_number_is_refused(world: World) -> None:
    first = register_elder(world.bob, world.areas.community_a1)
    second = register_elder(world.bob, world.areas.community_a1)
    with pytest.raises(ValidationError) as info:
        actions.elder_update(
            elder=second, data=elder_data(second.area, id_number=first.id_number), actor=world.bob
        )
    assert "id_number" in info.value.message_dict
    second.refresh_from_db()
    assert second.id_number != first.id_number


def test_create_outside_scope_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as info:
        register_elder(world.bob, world.areas.community_b1)
    assert "area" in info.value.message_dict
    assert not Elder.objects.exists()
    assert not AuditEntry.objects.exists()


def test_move_to_another_streets_community_is_refused_and_rolled_back(counted: World) -> None:
    world = counted
    elder = register_elder(world.bob, world.areas.community_a1, address="原地址")
    cells, entries = maintained_stats(), AuditEntry.objects.count()

    with pytest.raises(ValidationError) as info:
        actions.elder_update(
            elder=elder,
            data=elder_data(
                world.areas.community_b1, id_number=elder.id_number, name=elder.name, address="新地址"
            ),
            actor=world.bob,
        )
    assert "area" in info.value.message_dict

    fresh = Elder.objects.get(pk=elder.pk)
    assert (fresh.area, fresh.area_path, fresh.address) == (
        world.areas.community_a1,
        world.areas.community_a1.path,
        "原地址",
    )
    assert AuditEntry.objects.count() == entries
    assert maintained_stats() == cells


def test_scope_recheck_after_save_rolls_back(counted: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Even if the up-front area check missed it, the re-check after saving undoes the move."""
    world = counted
    elder = register_elder(world.bob, world.areas.community_a1, address="原地址")
    cells, entries = maintained_stats(), AuditEntry.objects.count()
    monkeypatch.setattr(actions, "_check_area", lambda actor, area, action: None)

    with pytest.raises(ValidationError) as info:
        actions.elder_update(
            elder=elder,
            data=elder_data(
                world.areas.community_b1, id_number=elder.id_number, name=elder.name, address="新地址"
            ),
            actor=world.bob,
        )
    assert "area" in info.value.message_dict
    fresh = Elder.objects.get(pk=elder.pk)
    assert (fresh.area_path, fresh.address) == (world.areas.community_a1.path, "原地址")
    assert AuditEntry.objects.count() == entries
    assert maintained_stats() == cells


@pytest.mark.parametrize(
    ("who", "call"),
    [
        ("grace", "create"),
        ("erin", "create"),
        ("frank", "create"),
        ("grace", "update"),
        ("erin", "update"),
        ("grace", "status"),
        ("grace", "reveal"),
        ("frank", "reveal"),
    ],
)
def test_actions_need_the_permission(world: World, who: str, call: str) -> None:
    actor = world.users[who]
    elder = ElderFactory.create(area=world.areas.community_a1)
    with pytest.raises(PermissionDenied):
        if call == "create":
            actions.elder_create(data=elder_data(world.areas.community_a1), actor=actor)
        elif call == "update":
            actions.elder_update(
                elder=elder, data=elder_data(elder.area, id_number=elder.id_number), actor=actor
            )
        elif call == "status":
            actions.elder_set_status(elder=elder, status="deceased", date=TODAY(), note="", actor=actor)
        else:
            actions.elder_reveal(elder=elder, field_name="id_number", reason="核对", actor=actor)
    assert not AccessLog.objects.exists()


# Every action is the last line of defence for callers other than the pages (jobs, imports, other
# modules): it must refuse an elder outside the actor's areas.
OUT_OF_SCOPE = [
    "update-into-scope",  # bob pulls street B's elder into his own community
    "status",
    "reveal",
    "certification-save",
    "certification-delete",
    "contact-save",
    "contact-delete",
]


@pytest.mark.parametrize("call", OUT_OF_SCOPE)
def test_actions_refuse_an_elder_outside_the_actors_areas(world: World, call: str) -> None:
    bob, elsewhere = world.bob, ElderFactory.create(area=world.areas.community_b1, phone="13700000000")
    cert = CertificationFactory.create(elder=elsewhere)
    contact = ContactFactory.create(elder=elsewhere)
    with pytest.raises((PermissionDenied, ValidationError, Http404)):
        if call == "update-into-scope":
            # bob pulls street B's elder into his own community
            data = elder_data(world.areas.community_a1, id_number=elsewhere.id_number, name=elsewhere.name)
            actions.elder_update(elder=elsewhere, data=data, actor=bob)
        elif call == "status":
            actions.elder_set_status(elder=elsewhere, status="moved", date=TODAY(), note="迁出", actor=bob)
        elif call == "reveal":
            actions.elder_reveal(elder=elsewhere, field_name="phone", reason="核对信息", actor=bob)
        elif call == "certification-save":
            actions.certification_save(
                certification=Certification(elder=elsewhere, category="tekun", valid_from=TODAY()), actor=bob
            )
        elif call == "certification-delete":
            actions.certification_delete(certification=cert, actor=bob)
        elif call == "contact-save":
            actions.contact_save(
                contact=ElderContact(elder=elsewhere, name="李四", relation="child"),
                phone="13700001111",
                actor=bob,
            )
        else:
            actions.contact_delete(contact=contact, actor=bob)
    fresh = Elder.objects.get(pk=elsewhere.pk)
    assert (fresh.area_path, fresh.status) == (world.areas.community_b1.path, ElderStatus.LIVING)
    assert not AccessLog.objects.exists()


# -- reveal ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", " ", "a", "  好  "])
def test_reveal_requires_a_reason(world: World, reason: str) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    with pytest.raises(ValidationError, match="请填写查看事由"):
        actions.elder_reveal(elder=elder, field_name="id_number", reason=reason, actor=world.bob)
    assert not AccessLog.objects.exists()


def test_reveal_refuses_other_fields(world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    with pytest.raises(ValidationError):
        actions.elder_reveal(elder=elder, field_name="id_number_enc", reason="核对身份", actor=world.bob)
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    ("field", "expected"),
    [("id_number", None), ("phone", "13912345678"), ("health", "高血压")],
)
def test_reveal_returns_the_clear_value_and_logs_the_reason(
    world: World, field: str, expected: str | None
) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1, phone="13912345678", health="高血压")
    value = actions.elder_reveal(elder=elder, field_name=field, reason="  电话回访核对  ", actor=world.erin)
    assert value == (expected or elder.id_number)
    log = AccessLog.objects.get()
    assert (log.kind, log.actor, log.reason, log.fields) == ("reveal", world.erin, "电话回访核对", [field])
    assert (log.object_type, log.object_id, log.subject_id) == ("people.elder", str(elder.pk), elder.pk)
    assert log.area_path == world.areas.community_a1.path
    assert value not in json.dumps(
        list(AccessLog.objects.values("reason", "fields", "query")), ensure_ascii=False
    )


# -- certifications and categories -------------------------------------------------------------------


def certify(elder: Elder, actor: Any, category: str = EconomicCategory.DIBAO, **dates: Any) -> Certification:
    cert = Certification(
        elder=elder,
        category=category,
        valid_from=dates.get("valid_from", TODAY() - datetime.timedelta(days=30)),
        valid_to=dates.get("valid_to"),
        certified_by="通州区民政局",
    )
    return actions.certification_save(certification=cert, actor=actor)


def cell(elder: Elder) -> ElderStat:
    key = stats.elder_stat_key(elder, TODAY())
    assert key is not None
    return ElderStat.objects.get(area_path=key.area_path, bracket=key.bracket, sex=key.sex)


def test_certification_add_and_end_update_categories_and_stats(counted: World) -> None:
    world = counted
    elder = register_elder(world.bob, world.areas.community_a1)
    assert (cell(elder).total, cell(elder).dibao) == (1, 0)

    cert = certify(elder, world.bob)
    elder.refresh_from_db()
    assert elder.categories == "dibao"
    assert elder.category_labels() == ["低保"]
    assert cell(elder).dibao == 1
    assert_stats_match()

    certify(elder, world.bob, EconomicCategory.TEKUN)
    elder.refresh_from_db()
    assert elder.categories == "dibao,tekun"
    assert (cell(elder).dibao, cell(elder).tekun) == (1, 1)

    cert.valid_to = TODAY() - datetime.timedelta(days=1)  # 低保 ended yesterday
    actions.certification_save(certification=cert, actor=world.bob)
    elder.refresh_from_db()
    assert elder.categories == "tekun"
    assert (cell(elder).total, cell(elder).dibao, cell(elder).tekun) == (1, 0, 1)
    assert_stats_match()

    entries = AuditEntry.objects.filter(object_type="people.certification").order_by("id")
    assert [e.verb for e in entries] == [
        "certification.create",
        "certification.create",
        "certification.update",
    ]
    assert entries[2].after == {"valid_to": cert.valid_to.isoformat()}
    assert {e.subject_id for e in entries} == {elder.pk}


def test_certification_in_the_future_is_not_a_category_yet(counted: World) -> None:
    world = counted
    elder = register_elder(world.bob, world.areas.community_a1)
    certify(elder, world.bob, valid_from=TODAY() + datetime.timedelta(days=10))
    elder.refresh_from_db()
    assert elder.categories == ""
    assert_stats_match()


def test_certification_dates_must_be_ordered(world: World) -> None:
    elder = register_elder(world.bob, world.areas.community_a1)
    with pytest.raises(ValidationError):
        certify(elder, world.bob, valid_from=TODAY(), valid_to=TODAY() - datetime.timedelta(days=1))
    assert not Certification.objects.exists()


def test_certification_delete_updates_categories_and_stats(counted: World) -> None:
    world = counted
    elder = register_elder(world.bob, world.areas.community_a1)
    cert = certify(elder, world.bob)
    actions.certification_delete(certification=cert, actor=world.bob)
    elder.refresh_from_db()
    assert elder.categories == ""
    assert cell(elder).dibao == 0
    assert_stats_match()
    assert AuditEntry.objects.filter(verb="certification.delete", subject_id=elder.pk).exists()


# -- status and statistics ---------------------------------------------------------------------------


def test_deceased_leaves_the_statistics(counted: World) -> None:
    world = counted
    elder = register_elder(world.bob, world.areas.community_a1, living_situation=LivingSituation.ALONE)
    certify(elder, world.bob)
    elder.refresh_from_db()
    before = cell(elder)
    assert (before.total, before.alone, before.dibao) == (1, 1, 1)

    actions.elder_set_status(
        elder=elder,
        status=ElderStatus.DECEASED,
        date=TODAY() - datetime.timedelta(days=2),
        note="病故",
        actor=world.bob,
    )
    after = ElderStat.objects.get(pk=before.pk)
    assert (after.total, after.alone, after.dibao) == (0, 0, 0)
    assert_stats_match()
    entry = AuditEntry.objects.get(verb="elder.status.deceased")
    assert entry.message == "病故"
    assert entry.after == {
        "status": "deceased",
        "status_date": (TODAY() - datetime.timedelta(days=2)).isoformat(),
        "status_note": "病故",
    }

    actions.elder_set_status(
        elder=elder, status=ElderStatus.LIVING, date=None, note="误报恢复", actor=world.bob
    )
    assert ElderStat.objects.get(pk=before.pk).total == 1
    assert_stats_match()


@pytest.mark.parametrize(
    ("status", "days_ago", "message"),
    [("deceased", None, "请填写死亡或迁出日期"), ("moved", -1, "日期不能晚于今天")],
)
def test_set_status_checks_the_date(world: World, status: str, days_ago: int | None, message: str) -> None:
    elder = register_elder(world.bob, world.areas.community_a1)
    day = None if days_ago is None else TODAY() - datetime.timedelta(days=days_ago)
    with pytest.raises(ValidationError, match=message):
        actions.elder_set_status(elder=elder, status=status, date=day, note="", actor=world.bob)
    assert Elder.objects.get(pk=elder.pk).status == ElderStatus.LIVING


def test_stats_follow_a_sequence_of_actions(counted: World) -> None:
    world = counted
    a1, a2, b1 = world.areas.community_a1, world.areas.community_a2, world.areas.community_b1
    elders = [
        register_elder(world.bob, a1, age=65, sex="M"),
        register_elder(world.bob, a1, age=72, sex="F", living_situation=LivingSituation.EMPTY_NEST),
        register_elder(world.carol, b1, age=88, sex="F", living_situation=LivingSituation.GUGUA),
        register_elder(world.dave, a1, age=101, sex="M"),
    ]
    with override_settings(PEOPLE_REGISTRY_MIN_AGE=55):  # a place that registers from 55
        elders.append(register_elder(world.alice, b1, age=55, sex="F"))
    assert_stats_match()
    moved = elders[0]
    actions.elder_update(
        elder=moved, data=elder_data(a2, id_number=moved.id_number, name=moved.name), actor=world.bob
    )
    assert_stats_match()
    certify(elders[2], world.carol, EconomicCategory.TEKUN)
    assert_stats_match()
    actions.elder_set_status(elder=elders[3], status="moved", date=TODAY(), note="迁往外地", actor=world.dave)
    assert_stats_match()
    changed = elders[1]
    actions.elder_update(
        elder=changed,
        data=elder_data(
            a1, id_number=changed.id_number, name=changed.name, living_situation=LivingSituation.ALONE
        ),
        actor=world.alice,
    )
    assert_stats_match()
    assert sum(c[0] for c in maintained_stats().values()) == 4


def test_without_todays_statistics_actions_leave_them_to_the_next_rebuild(world: World) -> None:
    register_elder(world.bob, world.areas.community_a1)
    assert not ElderStat.objects.exists()
    stats.ensure_fresh()
    assert_stats_match()


# -- contacts ----------------------------------------------------------------------------------------


def test_contact_save_keeps_the_phone_out_of_the_audit(world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    contact = actions.contact_save(
        contact=ElderContact(elder=elder, name="李小明", relation="child"),
        phone="13711112222",
        actor=world.bob,
    )
    assert contact.phone == "13711112222"
    assert contact.phone_masked == "137****2222"
    entry = AuditEntry.objects.get(verb="contact.create")
    assert entry.subject_id == elder.pk
    assert entry.after is not None and entry.after["phone_masked"] == "137****2222"
    assert "13711112222" not in audit_json(pk=entry.pk)
    assert contact.phone_enc not in audit_json(pk=entry.pk)


# -- timeline ----------------------------------------------------------------------------------------


def test_timeline_newest_first(counted: World) -> None:
    world = counted
    elder = register_elder(world.bob, world.areas.community_a1, address="旧址")
    actions.elder_update(
        elder=elder,
        data=elder_data(
            elder.area, id_number=elder.id_number, name=elder.name, phone=elder.phone, address="新址"
        ),
        actor=world.bob,
    )
    two_years_ago = TODAY() - datetime.timedelta(days=730)
    cert = certify(elder, world.bob, valid_from=two_years_ago)
    cert.valid_to = TODAY() - datetime.timedelta(days=100)
    actions.certification_save(certification=cert, actor=world.bob)

    events = elder_timeline(elder, world.bob)
    assert [e.when for e in events] == sorted((e.when for e in events), reverse=True)
    titles = [e.title for e in events]
    assert titles == ["修改认定", "新增认定", "信息修改", "登记入册", "低保认定终止", "低保认定生效"]
    change = events[titles.index("信息修改")]
    assert change.detail == "修改了：居住地址"
    assert change.actor == "bob"


def test_timeline_limit(world: World) -> None:
    elder = register_elder(world.bob, world.areas.community_a1)
    for n in range(5):
        actions.elder_update(
            elder=elder,
            data=elder_data(elder.area, id_number=elder.id_number, name=elder.name, address=f"{n}号"),
            actor=world.bob,
        )
    assert len(elder_timeline(elder, world.bob, limit=3)) == 3
    assert len(elder_timeline(elder, world.bob)) == 6


def test_id_number_round_trip(world: World) -> None:
    elder = ElderFactory.create(area=world.areas.community_a1)
    assert parse_id_number(elder.id_number).value == elder.id_number
    assert elder.id_number_enc.startswith("v2:A:1:")
    assert elder.id_number not in elder.id_number_enc


def test_certification_queryset_keeps_both_current_and_scoping(world: World) -> None:
    """ScopedManager.from_queryset must keep the custom queryset's methods (it once silently did not)."""
    elder = ElderFactory.create(area=world.areas.community_a1)
    lapsed = CertificationFactory.create(
        elder=elder, category="dibao", valid_from=TODAY() - datetime.timedelta(days=60)
    )
    lapsed.valid_to = TODAY() - datetime.timedelta(days=1)
    lapsed.save()
    current = CertificationFactory.create(elder=elder, category="tekun", valid_from=TODAY())
    assert list(elder.certifications.current(TODAY())) == [current]
    assert list(Certification.objects.for_user(world.carol).current(TODAY())) == []
    assert list(Certification.objects.for_user(world.bob).current(TODAY())) == [current]
