"""Institutions at the seams with the registry and benefits: a 特困 elder admitted for centralised
support (集中供养) switches programmes from the admission day and back on discharge, through the
benefits actions, once and audited; a death registered by any door ends the stay on the day of death
and frees the bed, once."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from yiyang.benefits import actions as benefits_actions
from yiyang.benefits.choices import ProgrammeKind, StartRule, SupportMode
from yiyang.benefits.models import CentralisedSupport, Programme, RateRule, RollLine
from yiyang.benefits.tests.factories import RULES_FROM, certify, elder_born
from yiyang.core.models import AuditEntry
from yiyang.core.testing import World
from yiyang.institutions.actions import residents as actions
from yiyang.institutions.models import BedAssignment, Resident
from yiyang.institutions.tests.factories import admit, make_bed, make_institution, ready_for_admission
from yiyang.people.actions import elder_set_status
from yiyang.people.models import Elder
from yiyang.people.timeline import elder_timeline

D = datetime.date
pytestmark = pytest.mark.django_db


def support_programmes() -> tuple[Programme, Programme]:
    """特困供养金 as two programmes, one per support mode (rules as data)."""
    out = []
    for code, name, mode, amount in (
        ("fensan", "特困分散供养金", SupportMode.DISPERSED, "800"),
        ("jizhong", "特困集中供养金", SupportMode.CENTRALISED, "1200"),
    ):
        programme = Programme.objects.create(
            code=code, name=name, kind=ProgrammeKind.CATEGORY, start_rule=StartRule.SAME_MONTH,
            requires_qualification_check=False, support_mode=mode,
        )  # fmt: skip
        for category in ("tekun", "wubao"):
            RateRule.objects.create(
                programme=programme, category=category, amount=Decimal(amount), valid_from=RULES_FROM
            )
        out.append(programme)
    return out[0], out[1]


def tekun(world: World) -> Elder:
    elder = elder_born(D(1941, 5, 6), world.areas.community_a1, living_situation="alone")
    certify(elder, "tekun", D(2025, 1, 1))
    return elder


def paid(world: World, programme: Programme, month: datetime.date, elder: Elder) -> Decimal | None:
    roll = benefits_actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=month, actor=world.alice
    )
    line = (
        RollLine.objects.filter(roll=roll, elder=elder)
        .exclude(change_type__in=["stopped", "adjustment"])
        .first()
    )
    if roll.counts.get("streets"):
        benefits_actions.payment_roll_review_streets(roll=roll, actor=world.alice)
    benefits_actions.payment_roll_approve(roll=roll, actor=world.alice, confirm_over_budget=True)
    return line.base_amount if line else None


def test_admission_for_centralised_support_switches_the_programme_and_discharge_switches_back(
    world: World,
) -> None:
    dispersed, centralised = support_programmes()
    person = tekun(world)
    home = make_institution(world.areas.community_a1, kind="public")
    stay = admit(person, home, admitted_on=D(2026, 9, 15), centralised_support=True)
    support = CentralisedSupport.objects.get(elder=person)
    assert (support.start_date, support.end_date, support.place) == (D(2026, 9, 15), None, home.name)
    # The admission month is still paid as dispersed support; centralised from the next month.
    assert paid(world, dispersed, D(2026, 9, 1), person) == Decimal("800")
    assert paid(world, centralised, D(2026, 9, 1), person) is None
    assert paid(world, dispersed, D(2026, 10, 1), person) is None
    assert paid(world, centralised, D(2026, 10, 1), person) == Decimal("1200")
    actions.resident_discharge(resident=stay, on=D(2026, 11, 10), reason="home", actor=world.bob)
    support.refresh_from_db()
    assert support.end_date == D(2026, 11, 10)
    # The discharge month is still centralised; dispersed again from the next month.
    assert paid(world, centralised, D(2026, 11, 1), person) == Decimal("1200")
    assert paid(world, dispersed, D(2026, 11, 1), person) is None
    assert paid(world, dispersed, D(2026, 12, 1), person) == Decimal("800")
    assert paid(world, centralised, D(2026, 12, 1), person) is None
    verbs = list(
        AuditEntry.objects.filter(subject_id=person.pk, verb__startswith="centralisedsupport")
        .order_by("id")
        .values_list("verb", flat=True)
    )
    assert verbs == ["centralisedsupport.start", "centralisedsupport.end"]


def test_admission_on_the_first_switches_that_month(world: World) -> None:
    dispersed, centralised = support_programmes()
    person = tekun(world)
    admit(
        person,
        make_institution(world.areas.community_a1),
        admitted_on=D(2026, 10, 1),
        centralised_support=True,
    )
    assert paid(world, dispersed, D(2026, 10, 1), person) is None
    assert paid(world, centralised, D(2026, 10, 1), person) == Decimal("1200")


def test_the_same_stay_recorded_twice_opens_and_ends_one_support(world: World) -> None:
    person = tekun(world)
    home = make_institution(world.areas.community_a1)
    stay = admit(person, home, admitted_on=D(2026, 11, 2), centralised_support=True)
    source = actions.support_source(stay)
    again = benefits_actions.centralised_support_start(
        elder=person, on=D(2026, 11, 2), place=home.name, source=source, actor=world.bob
    )
    assert CentralisedSupport.objects.filter(elder=person).count() == 1 and again.start_date == D(2026, 11, 2)
    for _ in range(2):
        benefits_actions.centralised_support_end(source=source, on=D(2026, 11, 20), reason="返家", actor=None)
    assert AuditEntry.objects.filter(subject_id=person.pk, verb="centralisedsupport.start").count() == 1
    assert AuditEntry.objects.filter(subject_id=person.pk, verb="centralisedsupport.end").count() == 1
    # A second home cannot open another centralised support while one is open elsewhere.
    other = elder_born(D(1939, 1, 1), world.areas.community_a1)
    certify(other, "wubao", D(2020, 1, 1))
    admit(other, home, admitted_on=D(2026, 11, 3), centralised_support=True)
    with pytest.raises(ValidationError, match="已在"):
        benefits_actions.centralised_support_start(
            elder=other, on=D(2026, 11, 4), place="别处", source="test:1", actor=None
        )


def test_centralised_support_for_an_elder_not_tekun_is_refused_and_nothing_is_admitted(world: World) -> None:
    person = elder_born(D(1940, 2, 2), world.areas.community_a1)
    home = make_institution(world.areas.community_a1)
    bed = make_bed(home)
    ready_for_admission(person, home, on=D(2026, 11, 2))
    with pytest.raises(ValidationError, match="特困"):
        actions.resident_admit(
            elder=person, institution=home, bed=bed, admitted_on=D(2026, 11, 2), actor=world.bob,
            centralised_support=True,
        )  # fmt: skip
    assert not Resident.objects.filter(elder=person).exists()
    assert not BedAssignment.objects.filter(bed=bed).exists()
    person.refresh_from_db()
    assert person.living_situation != "institution"


def test_a_death_registered_elsewhere_ends_the_stay_on_that_day_once(world: World) -> None:
    person = tekun(world)
    home = make_institution(world.areas.community_a1)
    first_bed, second_bed = make_bed(home), make_bed(home)
    stay = admit(person, home, first_bed, admitted_on=D(2026, 10, 1), centralised_support=True)
    actions.resident_move_bed(resident=stay, bed=second_bed, on=D(2026, 11, 20), actor=None)
    # The street registers the death (the elder's page's action), dated before the bed move.
    elder_set_status(elder=person, status="deceased", date=D(2026, 11, 10), note="病故", actor=world.bob)
    stay.refresh_from_db()
    assert (stay.status, stay.discharged_on, stay.discharge_reason) == (
        "discharged",
        D(2026, 11, 10),
        "death",
    )
    assert stay.retain_until == D(2031, 11, 10)
    rows = list(BedAssignment.objects.filter(resident=stay).values_list("bed_id", "start", "end"))
    assert rows == [(first_bed.pk, D(2026, 10, 1), D(2026, 11, 10))]  # the later bed was never slept in
    assert CentralisedSupport.objects.get(elder=person).end_date == D(2026, 11, 10)
    # The same death again (another door, a retried request): nothing more.
    elder_set_status(
        elder=person, status="deceased", date=D(2026, 11, 10), note="死亡名单", actor=world.alice
    )
    assert AuditEntry.objects.filter(verb="resident.discharge.death", object_id=str(stay.pk)).count() == 1
    assert AuditEntry.objects.filter(subject_id=person.pk, verb="centralisedsupport.end").count() == 1
    # The freed bed takes the next resident from the night of the death.
    nxt = elder_born(D(1945, 1, 1), world.areas.community_a1)
    admit(nxt, home, first_bed, admitted_on=D(2026, 11, 10))


def test_a_death_through_the_elder_page_ends_the_stay(client: Any, world: World) -> None:
    person = tekun(world)
    stay = admit(person, make_institution(world.areas.community_a1), admitted_on=D(2026, 11, 1))
    client.force_login(world.bob)
    response = client.post(
        reverse("people:elder_status", args=[person.pk]),
        {"status": "deceased", "date": "2026-11-03", "note": "病故"},
    )
    assert response.status_code == 302
    stay.refresh_from_db()
    assert (stay.status, stay.discharged_on) == ("discharged", D(2026, 11, 3))
    assert BedAssignment.objects.get(resident=stay).end == D(2026, 11, 3)


def test_the_street_sees_the_support_change_on_the_elder_timeline(world: World) -> None:
    person = tekun(world)
    home = make_institution(world.areas.community_a1)
    stay = admit(person, home, admitted_on=D(2026, 9, 15), centralised_support=True)
    actions.resident_discharge(resident=stay, on=D(2026, 11, 10), reason="home", actor=world.bob)
    titles = [(e.title, e.detail) for e in elder_timeline(person, world.bob)]
    assert (f"特困集中供养（{home.name}）", "2026年10月起停发分散供养金，发放集中供养金") in titles
    assert any(t == f"集中供养结束（{home.name}）" and d.startswith("2026年12月起") for t, d in titles)
