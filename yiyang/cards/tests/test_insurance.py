"""银龄安康: the government-paid list, the insurer's list imported (twice, with the same elder twice),
coverage by area against the target, claims, a death, the demo run twice."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.cards import actions, coverage
from yiyang.cards.models import Claim, Enrolment
from yiyang.cards.tests.factories import make_claim, make_elder, make_enrolment
from yiyang.core.importing.actions import import_batch_create, import_batch_start
from yiyang.core.models import ImportBatch
from yiyang.core.testing import World
from yiyang.people.actions import elder_set_status
from yiyang.people.models import Certification
from yiyang.people.stats import rebuild

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def test_generate_takes_the_paid_groups_once(world: World) -> None:
    area = world.areas.community_a1
    aged = make_elder(area=area, age=85)
    young = make_elder(area=area, age=65)
    dibao = make_elder(area=area, age=66)
    Certification.objects.create(elder=dibao, category="dibao", valid_from=datetime.date(2020, 1, 1))
    make_elder(area=world.areas.community_b1, age=90)  # another street
    added = actions.enrolment_generate(year=YEAR, area=world.areas.street_a, actor=world.bob)
    assert added == 2
    rows = {e.elder_id: e for e in Enrolment.objects.filter(year=YEAR)}
    assert rows[aged.pk].group == "aged" and rows[dibao.pk].group == "dibao" and young.pk not in rows
    assert rows[aged.pk].premium == Decimal("30.00") and rows[aged.pk].payer == "government"
    assert actions.enrolment_generate(year=YEAR, area=world.areas.street_a, actor=world.bob) == 0
    with pytest.raises(ValidationError, match="没有生效的银龄安康参保规则"):
        actions.enrolment_generate(year=2001, area=world.areas.street_a, actor=world.bob)


def sheet(rows: list[list[Any]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["银龄安康工程承保清单"])
    ws.append(["序号", "年度", "被保险人", "身份证号", "人员类别", "保费", "保单号", "投保日期"])
    for i, row in enumerate(rows, 1):
        ws.append([i, *row])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def run_import(world: World, content: bytes, user: str = "bob") -> ImportBatch:
    batch = import_batch_create(kind="cards.enrolment", upload=ContentFile(content), filename="承保清单.xlsx",
                                actor=world.users[user], dry_run=False, skip_invalid=False)  # fmt: skip
    import_batch_start(batch, background=False)
    batch.refresh_from_db()
    return batch


def test_insurer_list_twice_changes_nothing_and_fills_generated_rows(world: World) -> None:
    a, b = make_elder(area=world.areas.community_a1, age=70), make_elder(area=world.areas.grid_a1, age=88)
    actions.enrolment_generate(
        year=YEAR, area=world.areas.street_a, actor=world.bob
    )  # b: aged, no policy yet
    content = sheet([
        [YEAR, a.name, a.id_number, "自愿", 30, "YL0001", datetime.date(YEAR, 1, 10)],  # typed cells
        [YEAR, b.name, b.id_number, "高龄", "30.00", "YL0002", f"{YEAR}-01-10"],
    ])  # fmt: skip
    first = run_import(world, content)
    assert first.status == ImportBatch.Status.APPLIED, first.message
    assert (first.created, first.updated) == (1, 1)
    again = run_import(world, content)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    rows = {e.elder_id: e for e in Enrolment.objects.filter(year=YEAR)}
    assert rows[a.pk].payer == "self" and rows[a.pk].group == "voluntary" and rows[a.pk].source == "imported"
    assert rows[b.pk].policy_number == "YL0002" and rows[b.pk].source == "generated"


def test_the_same_elder_twice_in_a_year_is_reported_per_row(world: World) -> None:
    a = make_elder(area=world.areas.community_a1, age=70)
    make_enrolment(world.areas.community_a1, elder=a, year=YEAR, policy_number="OLD-1")
    other = make_elder(area=world.areas.community_a1, age=72)
    content = sheet([
        [YEAR, other.name, other.id_number, "自愿", 30, "N1", ""],
        [YEAR, other.name, other.id_number, "自愿", 30, "N2", ""],  # twice in the file
        [YEAR, a.name, a.id_number, "自愿", 30, "N3", ""],  # already insured under another policy
    ])  # fmt: skip
    batch = run_import(world, content)
    assert batch.status == ImportBatch.Status.INVALID
    messages = {(e["row"], e["message"]) for e in batch.errors}
    assert any("重复" in m for _r, m in messages) and any("同一年度不能重复参保" in m for _r, m in messages)
    assert Enrolment.objects.filter(elder=other).count() == 0  # nothing written
    assert Enrolment.objects.get(elder=a).policy_number == "OLD-1"


def test_export_reimports_unchanged(client: Client, world: World) -> None:
    e = make_enrolment(world.areas.community_a1)
    client.force_login(world.alice)
    response = client.get(
        reverse("cards:enrolment_list"), {"export": "xlsx", "clear": "1", "reason": "核对承保清单"}
    )
    assert response.status_code == 200
    batch = run_import(world, response.content, user="alice")
    assert batch.status == ImportBatch.Status.APPLIED, batch.message
    assert (batch.created, batch.updated, batch.unchanged) == (0, 0, 1)
    assert Enrolment.objects.get(pk=e.pk).policy_number == e.policy_number


def test_coverage_by_street_against_the_target(client: Client, world: World) -> None:
    for i in range(4):
        elder = make_elder(area=world.areas.community_a1, age=70 + i)
        if i < 3:
            make_enrolment(world.areas.community_a1, elder=elder)
    for i in range(4):
        elder = make_elder(area=world.areas.community_b1, age=70 + i)
        if i < 1:
            make_enrolment(world.areas.community_b1, elder=elder)
    rebuild()
    district = world.areas.district
    children = [world.areas.street_a.path, world.areas.street_b.path]
    rows = {r.path: r for r in coverage.coverage(world.alice, YEAR, district.path, children)}
    assert (rows[children[0]].population, rows[children[0]].enrolled) == (4, 3)
    assert rows[children[1]].rate == 0.25 and rows[children[1]].gap(Decimal("50")) == 1
    assert rows[district.path].enrolled == 4
    client.force_login(world.alice)
    page = client.get(reverse("cards:coverage")).content.decode()
    assert "75.0%" in page and "25.0%" in page and "50.00%" in page
    # the figure links to its elders: the list behind 3 shows 3
    listed = client.get(
        reverse("cards:enrolment_list"), {"year": str(YEAR), "living": "true", "area": str(children[0])}
    )
    assert listed.context["table"].paginator.count == 3


def test_death_leaves_the_insured_living(world: World) -> None:
    e = make_enrolment(world.areas.community_a1)
    elder_set_status(elder=e.elder, status="deceased", date=timezone.localdate(), note="", actor=None)
    e.refresh_from_db()
    assert e.elder_living is False


def test_claim_decision(client: Client, world: World) -> None:
    claim = make_claim(world.areas.community_a1)
    with pytest.raises(ValidationError):
        actions.claim_decide(claim=claim, status="paid", paid=Decimal("99999"), actor=world.dave)
    actions.claim_decide(claim=claim, status="paid", paid=Decimal("2000.00"), actor=world.dave)
    with pytest.raises(ValidationError, match="已结案"):
        actions.claim_decide(
            claim=Claim.objects.get(pk=claim.pk), status="rejected", paid=None, actor=world.dave
        )
    client.force_login(world.dave)
    elder = make_elder(area=world.areas.community_a1)
    enrolment = make_enrolment(world.areas.community_a1, elder=elder)
    url = reverse("cards:claim_add") + f"?elder={elder.pk}"
    assert client.get(url).status_code == 200
    response = client.post(url, {"enrolment": enrolment.pk, "number": "LP-NEW-1", "kind": "medical",
                                 "occurred_on": f"{YEAR}-03-01", "description": "摔倒", "claimed": "1500.00"})  # fmt: skip
    assert response.status_code == 302
    assert Claim.objects.get(number="LP-NEW-1").elder == elder


def test_demo_twice_keeps_every_record(world: World) -> None:
    from yiyang.cards.demo import build

    for area in (world.areas.community_a1, world.areas.community_a2, world.areas.community_b1):
        for i in range(6):
            make_elder(area=area, age=62 + i * 5)
    first = build()
    counts = (Enrolment.objects.count(), Claim.objects.count())
    second = build()
    assert first.cards == second.cards > 0 and counts == (Enrolment.objects.count(), Claim.objects.count())
