"""Residents: admission after both assessments (refused with the reasons otherwise), one resident per bed
per night, moves, care levels, discharge into the registry (death once), and what home staff see."""

from __future__ import annotations

import datetime
import threading
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.assessments.tests.factories import make_assessment
from yiyang.core.models import AccessLog, AuditEntry
from yiyang.core.testing import World
from yiyang.institutions.actions import residents as actions
from yiyang.institutions.models import BedAssignment, Resident
from yiyang.institutions.tests.factories import (
    admit,
    make_bed,
    make_institution,
    make_staff,
    ready_for_admission,
)
from yiyang.people.models import Elder
from yiyang.people.tests.factories import ElderFactory

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)


def elder(area: Any, **kw: Any) -> Elder:
    return ElderFactory.create(area=area, **kw)


def test_admission_needs_both_assessments_and_says_why(world: World) -> None:
    home = make_institution(world.areas.community_a1)
    bed = make_bed(home)
    person = elder(world.areas.community_a1, living_situation="alone")
    with pytest.raises(ValidationError) as refused:
        actions.resident_admit(elder=person, institution=home, bed=bed, admitted_on=TODAY, actor=world.bob)
    reasons = " ".join(refused.value.messages)
    assert "GB/T 42195" in reasons and "GB 38600" in reasons
    make_assessment(person, total=52, assessed_on=TODAY - datetime.timedelta(days=5))
    with pytest.raises(ValidationError) as refused:
        actions.resident_admit(elder=person, institution=home, bed=bed, admitted_on=TODAY, actor=world.bob)
    assert "GB 38600" in " ".join(refused.value.messages) and "GB/T 42195" not in " ".join(
        refused.value.messages
    )
    # A risk assessment by another home does not count.
    other = make_institution(world.areas.community_a1)
    actions.risk_assessment_create(elder=person, institution=other, assessor="张", items={}, actor=world.bob)
    with pytest.raises(ValidationError, match="GB 38600"):
        actions.resident_admit(elder=person, institution=home, bed=bed, admitted_on=TODAY, actor=world.bob)
    actions.risk_assessment_create(
        elder=person, institution=home, assessor="王护士", items={"fall": (2, "扶手")}, actor=world.bob
    )
    resident = actions.resident_admit(
        elder=person, institution=home, bed=bed, admitted_on=TODAY, actor=world.bob
    )
    person.refresh_from_db()
    assert person.living_situation == "institution"
    assert resident.previous_living_situation == "alone" and resident.care_level == "level_2"
    assert AuditEntry.objects.filter(verb="resident.admit", subject_id=person.pk).count() == 1
    assert AuditEntry.objects.filter(verb="elder.living_situation", subject_id=person.pk).count() == 1
    assert not Resident.objects.filter(elder=person).exclude(pk=resident.pk).exists()


def test_a_bed_never_holds_two_residents_on_one_night(world: World) -> None:
    home = make_institution(world.areas.community_a1)
    bed, other_bed = make_bed(home), make_bed(home)
    first = admit(elder(world.areas.community_a1), home, bed, admitted_on=TODAY - datetime.timedelta(days=10))
    second_elder = elder(world.areas.community_a1)
    ready_for_admission(second_elder, home, on=TODAY)
    with pytest.raises(ValidationError, match="同一床位同一天不能安排两位老人"):
        actions.resident_admit(elder=second_elder, institution=home, bed=bed, admitted_on=TODAY, actor=None)
    # Booked into the other bed, then a move into the first bed is refused while it is taken …
    second = actions.resident_admit(
        elder=second_elder, institution=home, bed=other_bed, admitted_on=TODAY, actor=None
    )
    with pytest.raises(ValidationError, match="同一床位同一天"):
        actions.resident_move_bed(resident=second, bed=bed, on=TODAY + datetime.timedelta(days=1), actor=None)
    # … and allowed from the night the first resident leaves it.
    actions.resident_discharge(resident=first, on=TODAY, reason="home", actor=None)
    moved = Resident.objects.get(pk=second.pk)
    with pytest.raises(ValidationError):  # the move may not start before the current bed's start
        actions.resident_move_bed(resident=moved, bed=bed, on=TODAY - datetime.timedelta(days=1), actor=None)
    later = TODAY + datetime.timedelta(days=1)
    actions.resident_move_bed(resident=moved, bed=bed, on=later, actor=None)
    nights = list(BedAssignment.objects.filter(bed=bed).order_by("start").values_list("start", "end"))
    assert nights == [(TODAY - datetime.timedelta(days=10), TODAY), (later, None)]


def test_discharge_home_and_by_death_update_the_registry_once(world: World) -> None:
    home = make_institution(world.areas.community_a1)
    going_home = admit(elder(world.areas.community_a1, living_situation="empty_nest"), home)
    actions.resident_discharge(resident=going_home, on=TODAY, reason="home", actor=world.bob)
    going_home.refresh_from_db()
    assert going_home.elder.living_situation == "empty_nest"
    assert going_home.retain_until == TODAY.replace(year=TODAY.year + 5)
    assert BedAssignment.objects.get(resident=going_home).end == TODAY
    with pytest.raises(ValidationError, match="已于"):
        actions.resident_discharge(resident=going_home, on=TODAY, reason="death", actor=world.bob)

    dying = admit(elder(world.areas.community_a1), home)
    stale = Resident.objects.get(pk=dying.pk)
    actions.resident_discharge(resident=dying, on=TODAY, reason="death", actor=world.bob, note="夜间病故")
    person = Elder.objects.get(pk=dying.elder_id)
    assert (person.status, person.status_date) == ("deceased", TODAY)
    # The same death recorded again through another page's stale copy: refused, the registry untouched.
    with pytest.raises(ValidationError):
        actions.resident_discharge(resident=stale, on=TODAY, reason="death", actor=world.bob)
    assert AuditEntry.objects.filter(verb="elder.status.deceased", subject_id=person.pk).count() == 1

    # The registry recorded the death first (another door): the stay ended there, on the day of death,
    # and the home's own discharge afterwards is refused rather than recorded twice.
    first_door = admit(elder(world.areas.community_a1), home)
    from yiyang.people.actions import elder_set_status

    elder_set_status(
        elder=first_door.elder, status="deceased", date=YESTERDAY, note="死亡名单", actor=world.bob
    )
    with pytest.raises(ValidationError):
        actions.resident_discharge(resident=first_door, on=TODAY, reason="death", actor=world.bob)
    first_door.refresh_from_db()
    assert (first_door.status, first_door.discharged_on, first_door.discharge_reason) == (
        "discharged",
        YESTERDAY,
        "death",
    )
    person = Elder.objects.get(pk=first_door.elder_id)
    assert person.status_date == YESTERDAY
    assert AuditEntry.objects.filter(verb="elder.status.deceased", subject_id=person.pk).count() == 1


def test_care_level_change_splits_the_nights(world: World) -> None:
    home = make_institution(world.areas.community_a1)
    resident = admit(elder(world.areas.community_a1), home, admitted_on=TODAY - datetime.timedelta(days=20))
    actions.resident_change_care_level(resident=resident, care_level="level_3", on=TODAY, actor=None)
    rows = list(
        BedAssignment.objects.filter(resident=resident).order_by("start").values_list("care_level", "end")
    )
    assert rows == [("level_2", TODAY), ("level_3", None)]


def test_short_and_seasonal_stays_need_an_end(world: World) -> None:
    home = make_institution(world.areas.community_a1)
    person = elder(world.areas.community_a1)
    ready_for_admission(person, home, on=TODAY)
    with pytest.raises(ValidationError, match="约定离院日期"):
        actions.resident_admit(elder=person, institution=home, bed=make_bed(home), admitted_on=TODAY,
                               kind="seasonal", actor=None)  # fmt: skip
    stay = actions.resident_admit(elder=person, institution=home, bed=make_bed(home), admitted_on=TODAY,
                                  kind="seasonal", planned_end=TODAY + datetime.timedelta(days=90), actor=None)  # fmt: skip
    assert stay.kind == "seasonal"


def test_home_staff_admit_through_the_page_and_see_their_residents_only(client: Client, world: World) -> None:
    home = make_institution(world.areas.other_community, name="爱心养老院")
    other = make_institution(world.areas.other_community, name="夕阳红养老院")
    bed = make_bed(home, room="201", number="1")
    staff = make_staff(home)
    person = elder(world.areas.community_b1, name="钱桂英")
    client.force_login(staff)
    url = reverse("institutions:resident_admit")
    form = {"id_number": person.id_number, "name": "钱桂英", "institution": home.pk, "bed": bed.pk,
            "admitted_on": f"{TODAY:%Y-%m-%d}", "kind": "long", "care_level": "", "contract_no": "HT-1"}  # fmt: skip
    refused = client.post(url, form).content.decode()
    assert "缺少有效的老年人能力评估" in refused and "服务安全风险评估" in refused
    assert not Resident.objects.exists()
    wrong_name = client.post(url, {**form, "name": "钱贵英"}).content.decode()
    assert "没有该身份证号与姓名一致的老人" in wrong_name
    # Another home's bed is not offered.
    assert client.post(url, {**form, "bed": make_bed(other).pk}).status_code == 200
    ready_for_admission(person, home, on=TODAY)
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    resident = Resident.objects.get(elder=person)
    assert AccessLog.objects.filter(actor=staff, subject_id=person.pk, reason="养老机构入住登记").exists()
    page = client.get(resident.get_absolute_url()).content.decode()
    assert "钱桂英" in page and "床边加装扶手" in page
    # The stay shares the elder's registry record with the home's staff while it lasts.
    assert client.get(reverse("people:elder_detail", args=[person.pk])).status_code == 200
    someone_else = admit(elder(world.areas.community_b1), other)
    assert client.get(someone_else.get_absolute_url()).status_code == 404
    listing = client.get(reverse("institutions:resident_list")).content.decode()
    assert "钱桂英" in listing and someone_else.elder.name not in listing
    client.post(reverse("institutions:resident_action", args=[resident.pk, "discharge"]),
                {"reason": "home", "on": f"{TODAY:%Y-%m-%d}", "note": ""})  # fmt: skip
    assert Resident.objects.get(pk=resident.pk).status == "discharged"
    assert client.get(reverse("people:elder_detail", args=[person.pk])).status_code == 404


def test_the_api_admits_and_refuses_with_reasons(client: Client, world: World) -> None:
    home = make_institution(world.areas.community_a1)
    bed = make_bed(home)
    person = elder(world.areas.community_a1)
    client.force_login(world.bob)
    body = {"id_number": person.id_number, "name": person.name, "institution": home.pk, "bed": bed.pk,
            "admitted_on": f"{TODAY:%Y-%m-%d}"}  # fmt: skip
    refused = client.post(reverse("resident-admit"), body, content_type="application/json")
    assert refused.status_code == 400 and "GB/T 42195" in refused.content.decode()
    ready_for_admission(person, home, on=TODAY)
    made = client.post(reverse("resident-admit"), body, content_type="application/json")
    assert made.status_code == 201, made.content
    again = client.post(reverse("resident-admit"), body, content_type="application/json")
    assert again.status_code == 400 and Resident.objects.count() == 1
    pk = made.json()["id"]
    gone = client.post(reverse("resident-discharge", args=[pk]), {"reason": "hospital", "on": f"{TODAY:%Y-%m-%d}"},
                       content_type="application/json")  # fmt: skip
    assert gone.status_code == 200 and gone.json()["status"] == "discharged"


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_admissions_into_one_bed_at_once_leave_one(world: World) -> None:
    home = make_institution(world.areas.community_a1)
    bed = make_bed(home)
    people = [elder(world.areas.community_a1) for _ in range(2)]
    for person in people:
        ready_for_admission(person, home, on=TODAY)
    barrier = threading.Barrier(2)
    outcomes: dict[int, str] = {}

    def go(i: int) -> None:
        try:
            barrier.wait(10)
            actions.resident_admit(elder=people[i], institution=home, bed=bed, admitted_on=TODAY, actor=None)
            outcomes[i] = "admitted"
        except ValidationError as exc:
            outcomes[i] = " ".join(exc.messages)
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert sorted(v == "admitted" for v in outcomes.values()) == [False, True], outcomes
    assert BedAssignment.objects.filter(bed=bed).count() == 1
    # And the database itself refuses an overlapping row that skips the action.
    with pytest.raises(IntegrityError):
        BedAssignment.objects.create(
            resident=Resident.objects.get(),
            bed=bed,
            institution=home,
            care_level="level_1",
            start=TODAY + datetime.timedelta(days=3),
        )
