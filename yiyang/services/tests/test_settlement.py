"""Settlement as one set-based statement: entitlement consumption across runs and providers, audit.

The amounts: items cost 40.00 an hour, visits last 90 minutes (gross 60.00), co-payment 10 %.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.utils import timezone

from yiyang.core.models import AuditEntry
from yiyang.core.testing import World, make_user
from yiyang.people.models import Elder
from yiyang.services.actions.settlements import settlement_add_visits, settlement_generate, settlement_review
from yiyang.services.actions.visits import visit_check_in, visit_check_out, visit_sign_off
from yiyang.services.models import Entitlement, Provider, SettlementLine, Visit, Worker
from yiyang.services.tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def chain(world: World) -> dict[str, Any]:
    item = f.item()
    p = f.provider(items=[item])
    user = f.staff(p, "settle_worker")
    return {"item": item, "provider": p, "worker": f.worker(p, user=user), "user": user, "world": world}


def _visit(
    s: dict[str, Any],
    elder: Elder,
    day: datetime.date,
    *,
    provider: Provider | None = None,
    worker: Worker | None = None,
    user: Any = None,
    verify: bool = True,
) -> Visit:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    o = f.assigned(s["world"].erin, provider or s["provider"], worker or s["worker"], e=elder, start=start)
    who = user or s["user"]
    v = visit_check_in(order=o, latitude=f.HOME[0], longitude=f.HOME[1], at=start, actor=who)
    v = visit_check_out(
        visit=v,
        latitude=f.HOME[0],
        longitude=f.HOME[1],
        at=start + datetime.timedelta(minutes=90),
        actor=who,
    )
    return _verify(v, who) if verify else v


def _verify(v: Visit, who: Any) -> Visit:
    return visit_sign_off(visit=v, method="signature", signature_png=PNG, actor=who)


def _month() -> datetime.date:
    return timezone.localdate().replace(day=1)


def _line(v: Visit) -> SettlementLine:
    return SettlementLine.objects.get(visit=v)


def test_late_verification_takes_only_what_is_left_of_the_quota(chain: dict[str, Any]) -> None:
    day = _month()
    elder = f.elder()
    Entitlement.objects.create(
        elder=elder, unit="hours", monthly_quota=Decimal("2"), copay_rate=Decimal("0.1"), valid_from=day
    )
    early = _visit(chain, elder, day, verify=False)  # served first, verified late
    later = _visit(chain, elder, day + datetime.timedelta(days=1))
    settlement_generate(month=day, actor=chain["world"].alice)
    assert _line(later).payable == Decimal("54.00")  # 1.5 of 2 hours: all covered, 90 % paid
    _verify(early, chain["user"])
    [s] = settlement_generate(month=day, actor=chain["world"].alice)
    # Only half an hour is left: a third of the visit is covered, whatever its service date.
    line = _line(early)
    assert (line.gross, line.payable, line.elder_share) == (
        Decimal("60.00"),
        Decimal("18.00"),
        Decimal("42.00"),
    )
    assert _line(later).payable == Decimal("54.00")  # a paid line is never recomputed
    assert (s.visit_count, s.payable, s.elder_share) == (2, Decimal("72.00"), Decimal("48.00"))


def test_an_amount_quota_is_shared_by_providers_settled_separately(chain: dict[str, Any]) -> None:
    day = _month()
    elder = f.elder()
    Entitlement.objects.create(
        elder=elder, unit="amount", monthly_quota=Decimal("100"), copay_rate=Decimal("0.1"), valid_from=day
    )
    p2 = f.provider(items=[chain["item"]])
    user2 = f.staff(p2, "settle_worker2")
    w2 = f.worker(p2, user=user2)
    first = _visit(chain, elder, day + datetime.timedelta(days=2))
    second = _visit(chain, elder, day, provider=p2, worker=w2, user=user2)
    settlement_generate(month=day, provider=chain["provider"], actor=chain["world"].alice)
    assert _line(first).payable == Decimal("54.00")  # 60.00 of 100.00
    assert not SettlementLine.objects.filter(visit=second).exists()
    settlement_generate(month=day, provider=p2, actor=chain["world"].alice)
    # 40.00 left of the 100.00: two thirds of 60.00, less the co-payment.
    assert (_line(second).payable, _line(second).elder_share) == (Decimal("36.00"), Decimal("24.00"))


def test_without_entitlement_the_elder_pays_everything(chain: dict[str, Any]) -> None:
    day = _month()
    v = _visit(chain, f.elder(), day)
    [s] = settlement_generate(month=day, actor=chain["world"].alice)
    assert (_line(v).gross, _line(v).payable, _line(v).elder_share) == (
        Decimal("60.00"),
        Decimal("0.00"),
        Decimal("60.00"),
    )
    assert s.gross_amount == s.elder_share == Decimal("60.00")


def test_a_settlement_under_review_takes_no_new_lines(chain: dict[str, Any]) -> None:
    day = _month()
    elder = f.elder()
    _visit(chain, elder, day)
    [s] = settlement_generate(month=day, actor=chain["world"].alice)
    settlement_review(settlement=s, approve=True, actor=chain["world"].bob)
    late = _visit(chain, elder, day + datetime.timedelta(days=3))
    settlement_generate(month=day, actor=chain["world"].alice)
    s.refresh_from_db()
    assert not SettlementLine.objects.filter(visit=late).exists()
    assert s.visit_count == 1 and s.status == "reviewed"


def test_one_audit_entry_summarises_the_batch(chain: dict[str, Any]) -> None:
    day = _month()
    for n in range(3):
        _visit(chain, f.elder(), day + datetime.timedelta(days=n))
    before = AuditEntry.objects.count()
    settlement_generate(month=day, actor=chain["world"].alice)
    entries = AuditEntry.objects.filter(verb="settlement.generate")
    assert entries.count() == 1 == AuditEntry.objects.count() - before
    after = entries.get().after
    assert after is not None
    assert after["lines_added"] == 3 and after["settlements"] == 1
    assert after["payable_total"] == "0.00"  # no entitlements: the elders pay it all


def test_add_visits_measures_against_the_quota_too(chain: dict[str, Any]) -> None:
    day = _month()
    elder = f.elder()
    Entitlement.objects.create(
        elder=elder, unit="hours", monthly_quota=Decimal("2"), copay_rate=Decimal("0"), valid_from=day
    )
    _visit(chain, elder, day + datetime.timedelta(days=1))
    [s] = settlement_generate(month=day, actor=chain["world"].alice)
    extra = _visit(chain, elder, day)
    assert settlement_add_visits(settlement=s, visits=[extra], actor=chain["world"].alice) == 1
    assert _line(extra).payable == Decimal("20.00")  # half an hour of 1.5 left
    assert settlement_add_visits(settlement=s, visits=[], actor=chain["world"].alice) == 0


def test_a_district_administrator_settles_their_own_district_only(chain: dict[str, Any]) -> None:
    """Two districts in one deployment: each administrator's run settles the visits they may see."""
    world = chain["world"]
    day = _month()
    p = f.provider(items=[chain["item"]], areas=[world.areas.district, world.areas.other_district])
    user = f.staff(p, "two_districts")
    s = {**chain, "provider": p, "worker": f.worker(p, user=user), "user": user}
    here = _visit(s, f.elder(world.areas.community_a1), day)
    # Nobody of the standing world works in the other district: its order comes from the system.
    there = _visit(
        {**s, "world": SimpleNamespace(erin=None)},
        f.elder(world.areas.other_community),
        day + datetime.timedelta(days=1),  # the same worker, so not at the same time
    )
    other_admin = make_user("chongchuan_admin", "district_admin", [world.areas.other_district])

    made = settlement_generate(month=day, actor=world.alice)
    assert [m.area_path for m in made] == [world.areas.street_a.path]
    assert SettlementLine.objects.filter(visit=here).exists()
    assert not SettlementLine.objects.filter(visit=there).exists()

    made = settlement_generate(month=day, actor=other_admin)
    assert [m.area_path for m in made] == [world.areas.other_street.path]
    assert SettlementLine.objects.filter(visit=there).exists()
    # The nightly job (no actor) settles whatever is left, everywhere: nothing, here.
    assert settlement_generate(month=day, actor=None) == []
