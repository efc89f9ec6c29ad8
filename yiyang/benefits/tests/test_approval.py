"""Roll approval as a district administrator works (issue 11, item 7): exact re-check counts on
every backend, every street reviewed in one action, the re-check run by approval and its result kept
and shown."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse

from yiyang.areas.models import Area, AreaLevel
from yiyang.benefits import actions
from yiyang.benefits.models import PaymentRoll, RollLine, RollReview
from yiyang.benefits.tests.factories import elder_born, longevity
from yiyang.core.models import AuditEntry

D = datetime.date
MARCH, APRIL = D(2026, 3, 1), D(2026, 4, 1)
pytestmark = pytest.mark.django_db


def _streets(world, n: int) -> list[Area]:
    """``n`` more streets in the district, each with a community holding one elder aged 86."""
    made = []
    for i in range(n):
        street = Area.objects.create(
            code=f"320612{101 + i:03d}",
            path=f"320612{101 + i:03d}",
            name=f"测试{i + 1}街道",
            level=AreaLevel.STREET,
            kind="街道",
            parent=world.areas.district,
            vintage="test",
        )
        community = Area.objects.create(
            code=f"{street.code}001",
            path=f"{street.code}001",
            name=f"测试{i + 1}社区",
            level=AreaLevel.COMMUNITY,
            kind="社区",
            parent=street,
            vintage="test",
        )
        elder_born(D(1940, 1, 1), area=community)
        made.append(street)
    return made


def test_recheck_reports_the_lines_it_flagged(world) -> None:
    """ "标记 -1 条": sqlite3 counts -1 rows for a ``WITH … UPDATE``. Exact on SQLite and PostgreSQL."""
    programme = longevity()
    elders = [elder_born(D(1940, 1, 1)) for _ in range(3)]
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.street_a, month=MARCH, actor=world.alice
    )
    entry = AuditEntry.objects.filter(verb="paymentroll.generate").latest("id")
    assert entry.message == "生成 3 人，补发 0 人，停发 0 人"
    for elder in elders[:2]:
        elder.hukou_local = False
        elder.save()
    actions.payment_roll_recheck(roll=roll, actor=world.alice)
    roll.refresh_from_db()
    assert roll.recheck_summary == "标记 2 条"
    assert RollLine.objects.filter(roll=roll, flagged=True).count() == 2
    # Run again: the same two, not four, and never -1.
    actions.payment_roll_recheck(roll=roll, actor=world.alice)
    roll.refresh_from_db()
    assert roll.recheck_summary == "标记 2 条"


def test_generation_counts_stopped_lines_exactly(world) -> None:
    programme = longevity()
    stays, leaves = elder_born(D(1940, 1, 1)), elder_born(D(1940, 1, 1))
    march = actions.payment_roll_generate(
        programme=programme, area=world.areas.street_a, month=MARCH, actor=world.alice
    )
    actions.payment_roll_review_streets(roll=march, actor=world.alice)
    actions.payment_roll_approve(roll=march, actor=world.alice)
    leaves.area = world.areas.community_b1
    leaves.save()
    elder_born(D(1941, 2, 2))
    actions.payment_roll_generate(
        programme=programme, area=world.areas.street_a, month=APRIL, actor=world.alice
    )
    entry = AuditEntry.objects.filter(verb="paymentroll.generate").latest("id")
    assert entry.message == "生成 2 人，补发 1 人，停发 1 人"  # the newcomer is paid March back
    assert stays.pk


def test_seventeen_streets_reviewed_in_one_action_then_approved(world) -> None:
    """A district administrator: one batch review, one approval (was 17 clicks and a hidden 复核)."""
    programme = longevity()
    _streets(world, 15)
    elder_born(D(1940, 1, 1))
    elder_born(D(1940, 1, 1), area=world.areas.community_b1)
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=MARCH, actor=world.alice
    )
    assert len(roll.counts["streets"]) == 17
    result = actions.payment_roll_review_streets(roll=roll, actor=world.alice, note="已核对")
    assert len(result.reviewed) == 17 and result.held == []
    roll.refresh_from_db()
    assert roll.status == "street_reviewed"
    assert RollReview.objects.filter(roll=roll).count() == 17
    with pytest.raises(ValidationError, match="只有草稿"):  # a second batch finds nothing to do
        actions.payment_roll_review_streets(roll=roll, actor=world.alice)
    actions.payment_roll_approve(roll=roll, actor=world.alice)
    roll.refresh_from_db()
    assert roll.status == "approved" and roll.recheck_summary == "标记 0 条"
    assert roll.total_amount == Decimal("1700.00")


def test_seventeen_streets_through_the_page_in_two_posts(client, world) -> None:
    programme = longevity()
    _streets(world, 15)
    elder_born(D(1940, 1, 1))
    elder_born(D(1940, 1, 1), area=world.areas.community_b1)
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=MARCH, actor=world.alice
    )
    client.force_login(world.alice)
    url = reverse("benefits:paymentroll_detail", args=[roll.pk])
    page = client.get(url).content.decode()
    assert "全部 17 个街道审核通过" in page
    assert page.count("审核通过</button>") == 18  # the batch button, and one per street folded away
    response = client.post(reverse("benefits:paymentroll_review_streets", args=[roll.pk]), {"note": ""})
    assert response.status_code == 302
    assert any("已审核 17 个街道" in str(m) for m in get_messages(response.wsgi_request))
    page = client.get(url).content.decode()
    assert "区级审批" in page and "全部 17 个街道" not in page
    response = client.post(reverse("benefits:paymentroll_action", args=[roll.pk, "approve"]))
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert "已审批" in texts and "复核资格：标记 0 条" in texts
    roll.refresh_from_db()
    assert roll.status == "approved"


def test_a_street_with_open_flags_is_held_back_and_named(world) -> None:
    programme = longevity()
    elder_born(D(1940, 1, 1))
    moved = elder_born(D(1940, 1, 1), area=world.areas.community_b1)
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=MARCH, actor=world.alice
    )
    moved.hukou_local = False
    moved.save()
    actions.payment_roll_recheck(roll=roll, actor=world.alice)
    result = actions.payment_roll_review_streets(roll=roll, actor=world.alice)
    assert [s.pk for s in result.reviewed] == [world.areas.street_a.pk]
    assert [(s.pk, n) for s, n in result.held] == [(world.areas.street_b.pk, 1)]
    with pytest.raises(ValidationError, match="兴东街道"):
        actions.payment_roll_review_streets(roll=roll, actor=world.alice)


def test_a_street_worker_batch_reviews_only_their_street(world) -> None:
    programme = longevity()
    elder_born(D(1940, 1, 1))
    elder_born(D(1940, 1, 1), area=world.areas.community_b1)
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=MARCH, actor=world.alice
    )
    result = actions.payment_roll_review_streets(roll=roll, actor=world.bob)
    assert [s.pk for s in result.reviewed] == [world.areas.street_a.pk]
    with pytest.raises(PermissionDenied):
        actions.payment_roll_review_streets(roll=roll, actor=world.bob, streets=[world.areas.street_b])
    with pytest.raises(ValidationError, match="没有待您审核"):
        actions.payment_roll_review_streets(roll=roll, actor=world.bob)
    roll.refresh_from_db()
    assert roll.status == "draft"


def test_approval_runs_the_recheck_and_keeps_its_result_when_it_refuses(client, world) -> None:
    programme = longevity()
    elder = elder_born(D(1940, 1, 1))
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.street_a, month=MARCH, actor=world.alice
    )
    actions.payment_roll_review_streets(roll=roll, actor=world.alice)
    elder.status, elder.status_date = "deceased", D(2026, 2, 10)  # died before the month: not payable
    elder.save()
    with pytest.raises(ValidationError, match="复核资格：有 1 条"):
        actions.payment_roll_approve(roll=roll, actor=world.alice)
    roll.refresh_from_db()
    assert roll.status == "street_reviewed" and roll.recheck_summary == "标记 1 条"
    line = RollLine.objects.get(roll=roll)
    assert line.flagged and line.flag_reason.startswith("状态已变更")
    client.force_login(world.alice)
    page = client.get(reverse("benefits:paymentroll_detail", args=[roll.pk])).content.decode()
    assert 'id="recheck-result"' in page and "1 条明细与当前登记信息不符" in page
    actions.roll_line_exclude(line=line, reason="已死亡", actor=world.alice)
    actions.payment_roll_approve(roll=roll, actor=world.alice)
    roll.refresh_from_db()
    assert roll.status == "approved" and roll.total_amount == 0


def test_batch_review_through_the_api(client, world) -> None:
    programme = longevity()
    elder_born(D(1940, 1, 1))
    elder_born(D(1940, 1, 1), area=world.areas.community_b1)
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.district, month=MARCH, actor=world.alice
    )
    client.force_login(world.bob)
    url = reverse("paymentroll-review-streets", args=[roll.pk])
    response = client.post(url, {"streets": [world.areas.street_b.code]}, content_type="application/json")
    assert response.status_code == 403
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["reviewed"] == [world.areas.street_a.code]
    client.force_login(world.alice)
    response = client.post(url, {"note": "批量"}, content_type="application/json")
    assert response.json()["reviewed"] == [world.areas.street_b.code]
    assert response.json()["roll"]["status"] == "street_reviewed"
    response = client.post(url, {}, content_type="application/json")
    assert response.status_code == 400 and "只有草稿" in response.json()["detail"]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks across connections: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once_approve_once(world, monkeypatch) -> None:
    """Two administrators press 区级审批 together: the second waits on the roll's lock, then finds it
    approved; one approval, one re-check result, nothing doubled."""
    from yiyang.benefits.actions import approval

    programme = longevity()
    elder_born(D(1940, 1, 1))
    roll = actions.payment_roll_generate(
        programme=programme, area=world.areas.street_a, month=MARCH, actor=world.alice
    )
    actions.payment_roll_review_streets(roll=roll, actor=world.alice)
    inside, release = threading.Event(), threading.Event()
    recheck = approval._recheck

    def slow_recheck(*args: Any, **kwargs: Any) -> Any:
        out = recheck(*args, **kwargs)
        if threading.current_thread().name == "first":
            inside.set()  # re-checked, the roll still locked by this transaction
            assert release.wait(10)
        return out

    monkeypatch.setattr(approval, "_recheck", slow_recheck)
    outcomes: dict[str, str] = {}

    def approve(name: str) -> None:
        try:
            seen = PaymentRoll.objects.get(pk=roll.pk)
            if name == "second":
                assert inside.wait(10)
            actions.payment_roll_approve(roll=seen, actor=world.alice)
            outcomes[name] = "approved"
        except ValidationError as exc:
            outcomes[name] = " ".join(exc.messages)
        finally:
            connection.close()

    first = threading.Thread(target=approve, args=("first",), name="first")
    second = threading.Thread(target=approve, args=("second",), name="second")
    first.start()
    second.start()
    assert inside.wait(10)
    second.join(1.0)
    assert second.is_alive(), "the second approval must wait for the first one's lock"
    release.set()
    first.join(10)
    second.join(10)
    assert outcomes["first"] == "approved" and "不能重复审批" in outcomes["second"]
    assert AuditEntry.objects.filter(verb="paymentroll.approve", object_id=str(roll.pk)).count() == 1
