"""Homes, staff, beds, insurance: what a home's staff see, the bed-list import, expiry alerts, forms."""

from __future__ import annotations

import datetime
import io
import json

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.importing.actions import import_batch_create, import_batch_start
from yiyang.core.models import AuditEntry, ImportBatch, Membership
from yiyang.core.testing import World, make_user
from yiyang.institutions import selectors
from yiyang.institutions.models import Bed, Institution
from yiyang.institutions.tests.factories import (
    form_values,
    make_bed,
    make_institution,
    make_policy,
    make_staff,
)


def test_home_staff_see_their_home_only(client: Client, world: World) -> None:
    ours = make_institution(world.areas.other_community, name="爱心养老院")
    theirs = make_institution(world.areas.community_a1, name="夕阳红养老院")
    make_bed(ours, room="301")
    make_bed(theirs, room="909")
    staff = make_staff(ours)
    client.force_login(staff)
    listing = client.get(reverse("institutions:institution_list")).content.decode()
    assert "爱心养老院" in listing and "夕阳红养老院" not in listing
    beds = client.get(reverse("institutions:bed_list")).content.decode()
    assert "301" in beds and "909" not in beds
    assert client.get(theirs.get_absolute_url()).status_code == 404
    api = json.loads(client.get(reverse("institutionbed-list")).content)
    assert {row["room"] for row in api["results"]} == {"301"}
    # Staff add beds to their own home, never to another.
    assert client.post(reverse("institutions:bed_add"), {
        "institution": ours.pk, "building": "1号楼", "floor": 3, "room": "302", "number": "1", "kind": "nursing",
        "status": "in_use", "added_on": "2026-01-01",
    }).status_code == 302  # fmt: skip
    refused = client.post(reverse("institutions:bed_add"), {
        "institution": theirs.pk, "building": "1号楼", "floor": 3, "room": "302", "number": "1", "kind": "care",
        "status": "in_use", "added_on": "2026-01-01",
    })  # fmt: skip
    assert (
        refused.status_code == 200 and not Bed.objects.filter(institution=theirs, room__number="302").exists()
    )
    # The district sees both.
    client.force_login(world.alice)
    listing = client.get(reverse("institutions:institution_list")).content.decode()
    assert "夕阳红养老院" in listing
    # a street sees only its own area's home
    client.force_login(world.carol)
    assert "夕阳红养老院" not in client.get(reverse("institutions:institution_list")).content.decode()


def test_members_are_added_by_the_street_and_only_home_staff(client: Client, world: World) -> None:
    home = make_institution(world.areas.community_a1, name="东市颐养院")
    staff = make_user("lixiuying", "institution_staff")
    url = reverse("institutions:institution_member_add", args=[home.pk])
    client.force_login(world.carol)
    assert client.post(url, {"user": staff.pk}).status_code == 404
    client.force_login(world.dave)
    assert client.post(url, {"user": staff.pk}).status_code == 403
    client.force_login(world.bob)
    bad = client.post(url, {"user": world.frank.pk})
    assert bad.status_code == 400 and "只能添加角色为“养老机构人员”的有效账号" in bad.content.decode()
    assert client.post(url, {"user": staff.pk}).status_code == 302
    again = client.post(url, {"user": staff.pk})
    assert "已是 东市颐养院 的工作人员" in again.content.decode()
    assert Membership.objects.filter(user=staff).count() == 1
    assert AuditEntry.objects.filter(verb="institution.member_add", object_id=str(home.pk)).count() == 1
    client.force_login(staff)
    assert client.get(home.get_absolute_url()).status_code == 200
    client.force_login(world.bob)
    membership = Membership.objects.get(user=staff)
    remove = reverse("institutions:institution_member_remove", args=[home.pk, membership.pk])
    assert client.post(remove).status_code == 302
    client.force_login(staff)
    assert client.get(home.get_absolute_url()).status_code == 404


def _bed_file(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["床位清单"])
    sheet.append(["机构名称", "楼栋", "楼层", "房间", "床号", "床位类型", "投用日期"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(user: object, content: bytes, *, dry_run: bool = False) -> ImportBatch:
    batch = import_batch_create(
        kind="institutions.bed", upload=ContentFile(content), filename="床位清单.xlsx", actor=user,
        dry_run=dry_run, skip_invalid=False,
    )  # fmt: skip
    import_batch_start(batch, background=False)
    batch.refresh_from_db()
    return batch


def test_bed_list_imports_once_and_refuses_another_home(world: World) -> None:
    ours = make_institution(world.areas.other_community, name="爱心养老院")
    make_institution(world.areas.community_a1, name="夕阳红养老院")
    staff = make_staff(ours)
    rows: list[list[object]] = [
        ["爱心养老院", "1号楼", 2, "201", "1", "护理型床位", datetime.date(2025, 6, 1)],
        ["爱心养老院", "1号楼", 2, "201", "2", "失智", "2025-06-01"],
        ["爱心养老院", "2号楼", 1, "101", "1", "", ""],
    ]
    first = _import(staff, _bed_file(rows))
    assert first.status == "applied", first.message
    beds = Bed.objects.filter(institution=ours).order_by(
        "room__floor__building__name", "room__number", "number"
    )
    assert [(b.building_name, b.room_number, b.number, b.kind) for b in beds] == [
        ("1号楼", "201", "1", "nursing"), ("1号楼", "201", "2", "dementia"), ("2号楼", "101", "1", "care"),
    ]  # fmt: skip
    second = _import(staff, _bed_file(rows))
    assert second.status == "applied" and second.unchanged == 3 and second.created == 0, second.message
    assert Bed.objects.filter(institution=ours).count() == 3
    # Another home's list, and an unknown kind: refused with the reason, nothing written.
    bad = _import(staff, _bed_file([["夕阳红养老院", "1号楼", 1, "101", "1", "护理", ""],
                                     ["爱心养老院", "1号楼", 1, "102", "1", "豪华", ""]]))  # fmt: skip
    assert bad.status != "applied" and bad.rejected == 2, bad.errors
    assert Bed.objects.count() == 3


def test_expiry_alerts(client: Client, world: World) -> None:
    today = timezone.localdate()
    soon = make_institution(
        world.areas.community_a1, name="许可将到期养老院", licence_to=today + datetime.timedelta(days=20)
    )
    make_policy(
        soon, valid_from=today - datetime.timedelta(days=300), valid_to=today + datetime.timedelta(days=65)
    )
    lapsing = make_institution(world.areas.community_a1, name="保险将到期养老院")
    make_policy(lapsing, policy_no="P-LAPSE", valid_from=today - datetime.timedelta(days=330),
                valid_to=today + datetime.timedelta(days=30))  # fmt: skip
    renewed = make_institution(world.areas.community_a1, name="已续保养老院")
    make_policy(
        renewed, valid_from=today - datetime.timedelta(days=330), valid_to=today + datetime.timedelta(days=30)
    )
    make_policy(
        renewed, valid_from=today + datetime.timedelta(days=31), valid_to=today + datetime.timedelta(days=395)
    )
    make_institution(world.areas.community_a1, name="未投保养老院")
    alerts = {(a.institution.name, a.what) for a in selectors.expiring(world.bob, today)}
    assert alerts == {
        ("许可将到期养老院", "licence"), ("保险将到期养老院", "policy"), ("未投保养老院", "uninsured"),
    }  # fmt: skip
    client.force_login(world.bob)
    page = client.get(reverse("institutions:alerts")).content.decode()
    assert "P-LAPSE" in page and "未投保养老院" in page and "已续保养老院" not in page
    assert client.get(reverse("institutions:alerts") + "?days=abc").status_code == 200
    client.force_login(world.carol)
    assert "未投保养老院" not in client.get(reverse("institutions:alerts")).content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_edit_forms_round_trip_unchanged(client: Client, world: World, language: str) -> None:
    home = make_institution(
        world.areas.community_a1, address="金沙镇人民路1号", fee_min="1200.00", fee_max="2800.00",
        licence_to=datetime.date(2030, 1, 1), medical="internal", latitude=32.06, longitude=121.07,
    )  # fmt: skip
    bed = make_bed(home, kind="dementia")
    policy = make_policy(home, premium="1800.00")
    client.force_login(world.bob)
    client.cookies["django_language"] = language
    for obj, url in (
        (home, reverse("institutions:institution_edit", args=[home.pk])),
        (bed, reverse("institutions:bed_edit", args=[bed.pk])),
        (policy, reverse("institutions:insurancepolicy_edit", args=[policy.pk])),
    ):
        before = AuditEntry.objects.count()
        values = form_values(client.get(url).content.decode())
        response = client.post(url, values)
        assert response.status_code == 302, response.content.decode()[-2000:]
        assert AuditEntry.objects.count() == before, f"{obj}: {values}"


def test_bad_input_is_refused_with_reasons(client: Client, world: World) -> None:
    home = make_institution(world.areas.community_a1)
    client.force_login(world.bob)
    response = client.post(reverse("institutions:insurancepolicy_add"), {
        "institution": home.pk, "policy_no": "X1", "insurer": "人保", "valid_from": "2026-12-31",
        "valid_to": "2026-01-01", "cover": "100",
    })  # fmt: skip
    assert response.status_code == 200 and "保险止期不能早于起期" in response.content.decode()
    api = client.post(
        reverse("institutionpolicy-list"),
        json.dumps(
            {
                "institution": home.pk,
                "policy_no": "X1",
                "insurer": "人保",
                "valid_from": "2026-12-31",
                "valid_to": "2026-01-01",
                "cover": "100",
            }
        ),
        content_type="application/json",
    )
    assert api.status_code == 400 and "valid_to" in api.json()
    assert not home.policies.exists()
    assert Institution.objects.count() == 1


def test_demo_builds_the_seed_homes_and_runs_twice(world: World) -> None:
    from yiyang.assessments.tests.factories import make_assessment
    from yiyang.institutions import demo
    from yiyang.institutions.models import Resident
    from yiyang.people.tests.factories import ElderFactory

    today = timezone.localdate()
    for n in range(30):
        person = ElderFactory.create(
            area=world.areas.community_a1, birth_date=datetime.date(1940, 1, 1 + n % 28)
        )
        make_assessment(person, assessed_on=today - datetime.timedelta(days=500), months=24)
    first = demo.build(district_code=world.areas.district.code)
    second = demo.build(district_code=world.areas.district.code)
    assert first == second
    assert first["institutions"] == 11 and first["beds"] == 768  # seed 004: 208 public + 560 private
    assert first["residents"] == 30 and Resident.objects.filter(status="resident").count() == 30
    assert all(r.risk_assessment_id for r in Resident.objects.all())
    assert Membership.objects.filter(user__username=demo.STAFF_USERNAME).count() == 1


def test_lists_link_to_edit_pages_only_for_those_who_may_edit(client: Client, world: World) -> None:
    home = make_institution(world.areas.community_a1)
    bed = make_bed(home)
    edit = reverse("institutions:bed_edit", args=[bed.pk])
    client.force_login(world.bob)
    assert edit in client.get(reverse("institutions:bed_list")).content.decode()
    client.force_login(world.dave)  # reads beds, may not edit them
    page = client.get(reverse("institutions:bed_list")).content.decode()
    assert bed.room_number in page and edit not in page
