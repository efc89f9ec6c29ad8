from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yiyang.core.models import AuditEntry
from yiyang.core.testing import World
from yiyang.services import selectors
from yiyang.services.actions.settlements import (
    settlement_add_visits,
    settlement_approve,
    settlement_generate,
    settlement_review,
)
from yiyang.services.actions.visits import (
    detect_missed_visits,
    exception_resolve,
    visit_add_photo,
    visit_check_in,
    visit_check_out,
    visit_rate,
    visit_sign_off,
    visit_signoff_code_issue,
)
from yiyang.services.actions.work_orders import (
    plans_generate,
    work_order_accept,
    work_order_assign,
    work_order_cancel,
    work_order_dispatch,
    work_order_reject,
)
from yiyang.services.choices import ExceptionKind, OrderStatus
from yiyang.services.models import (
    Entitlement,
    RecurringPlan,
    ServiceException,
    Settlement,
    SettlementLine,
    Visit,
    WorkOrder,
)
from yiyang.services.tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
FAR = (32.0760, 121.0730)  # about 1.1 km north of HOME


@pytest.fixture
def setup(world: World) -> dict:
    item = f.item()
    p = f.provider(items=[item])
    w_user = f.staff(p, "worker_user")
    w = f.worker(p, user=w_user)
    return {"item": item, "provider": p, "worker": w, "worker_user": w_user, "hotline": world.erin}


def _visit(s: dict, *, at: tuple[float, float] = f.HOME, start=None) -> Visit:
    o = f.assigned(s["hotline"], s["provider"], s["worker"], start=start)
    return visit_check_in(order=o, latitude=at[0], longitude=at[1], actor=s["worker_user"])


def _verified(s: dict, **kwargs) -> Visit:
    v = _visit(s, **kwargs)
    v = visit_check_out(
        visit=v,
        latitude=f.HOME[0],
        longitude=f.HOME[1],
        at=v.checkin_at + datetime.timedelta(minutes=90),
        actor=s["worker_user"],
    )
    return visit_sign_off(visit=v, method="signature", signature_png=PNG, actor=s["worker_user"])


def test_intake_audits_and_sets_deadline(setup: dict) -> None:
    o = f.order(setup["hotline"])
    assert o.number.startswith("GD") and o.status == OrderStatus.NEW
    assert o.response_due is not None and o.response_due > timezone.now()
    assert AuditEntry.objects.filter(
        verb="workorder.create", object_id=str(o.pk), subject_id=o.elder_id
    ).exists()


def test_duplicate_open_request_is_found(setup: dict) -> None:
    o = f.order(setup["hotline"])
    assert list(selectors.open_duplicates(o.elder, o.item)) == [o]
    work_order_cancel(order=o, reason="重复", actor=setup["hotline"])
    assert not selectors.open_duplicates(o.elder, o.item).exists()


def test_dispatch_requires_a_covering_agreement(setup: dict, world: World) -> None:
    other_item = f.item(code="FW99", category="repair")
    o = f.order(setup["hotline"], i=other_item)
    with pytest.raises(ValidationError):
        work_order_dispatch(order=o, provider=setup["provider"], actor=setup["hotline"])
    # An agreement for street B only does not cover an elder in street A.
    pb = f.provider(items=[setup["item"]], areas=[world.areas.street_b])
    o2 = f.order(setup["hotline"])
    with pytest.raises(ValidationError):
        work_order_dispatch(order=o2, provider=pb, actor=setup["hotline"])


def test_dispatch_accept_reject_reassign(setup: dict) -> None:
    hotline, p = setup["hotline"], setup["provider"]
    staff = f.staff(p)
    o = f.order(hotline)
    work_order_dispatch(order=o, provider=p, actor=hotline)
    assert o.status == OrderStatus.DISPATCHED
    with pytest.raises(ValidationError):
        work_order_reject(order=o, reason="  ", actor=staff)
    work_order_reject(order=o, reason="人手不足", actor=staff)
    o.refresh_from_db()
    assert o.status == OrderStatus.NEW and o.provider is None and o.reject_reason == "人手不足"
    p2 = f.provider(items=[setup["item"]])
    work_order_dispatch(order=o, provider=p, actor=hotline)
    work_order_dispatch(order=o, provider=p2, actor=hotline)  # reassign
    assert AuditEntry.objects.filter(verb="workorder.reassign", object_id=str(o.pk)).exists()
    with pytest.raises(PermissionDenied):
        work_order_accept(order=o, actor=staff)  # not their order any more
    work_order_accept(order=o, actor=f.staff(p2))
    assert o.status == OrderStatus.ACCEPTED


def test_assign_checks_provider_and_qualification(setup: dict) -> None:
    hotline, p = setup["hotline"], setup["provider"]
    o = f.order(hotline)
    work_order_dispatch(order=o, provider=p, actor=hotline)
    unqualified = f.worker(p, category="repair")
    with pytest.raises(ValidationError):
        work_order_assign(order=o, worker=unqualified, actor=hotline)
    stranger = f.worker(f.provider(items=[setup["item"]]))
    with pytest.raises(ValidationError):
        work_order_assign(order=o, worker=stranger, actor=hotline)


def test_suggestion_picks_nearest_qualified_worker_with_capacity(setup: dict) -> None:
    p = setup["provider"]
    setup["worker"].is_active = False
    setup["worker"].save()
    near = f.worker(p, at=(32.0665, 121.0730), name="近")
    f.worker(p, at=(32.0900, 121.0730), name="远")
    f.worker(p, at=(32.0661, 121.0730), category="repair", name="无资质")
    full = f.worker(p, at=(32.0662, 121.0730), capacity=1, name="满额")
    busy = f.order(setup["hotline"])
    work_order_dispatch(order=busy, provider=p, actor=setup["hotline"])
    work_order_assign(order=busy, worker=full, actor=setup["hotline"])
    e = f.elder()
    rows = selectors.dispatch_suggestions(elder=e, item=setup["item"], day=busy.plan_date)
    names = [r.worker_name for r in rows]
    assert names[0] == "近"
    assert "无资质" not in names and "满额" not in names
    assert rows[0].distance_m == pytest.approx(55, abs=5)
    assert near.pk == rows[0].worker_id


def test_check_in_far_away_is_recorded_as_exception(setup: dict) -> None:
    v = _visit(setup, at=FAR)
    assert v.pk and (v.checkin_distance or 0) > 1000
    exc = ServiceException.objects.get(work_order=v.work_order, kind=ExceptionKind.OUTSIDE_RADIUS)
    assert exc.status == "open" and "米" in exc.detail
    v.work_order.refresh_from_db()
    assert v.work_order.status == OrderStatus.IN_PROGRESS


def test_check_in_without_location_is_an_exception(setup: dict) -> None:
    o = f.assigned(setup["hotline"], setup["provider"], setup["worker"])
    visit_check_in(order=o, latitude=None, longitude=None, actor=setup["worker_user"])
    assert ServiceException.objects.filter(work_order=o, kind=ExceptionKind.NO_LOCATION).exists()


def test_late_check_in(setup: dict) -> None:
    v = _visit(setup, start=timezone.now() - datetime.timedelta(hours=1))
    assert ServiceException.objects.filter(work_order=v.work_order, kind=ExceptionKind.LATE).exists()


def test_repeated_check_in_and_out_are_idempotent(setup: dict) -> None:
    v = _visit(setup)
    again = visit_check_in(order=v.work_order, latitude=1.0, longitude=1.0, actor=setup["worker_user"])
    assert again.pk == v.pk
    out = visit_check_out(
        visit=v,
        latitude=f.HOME[0],
        longitude=f.HOME[1],
        at=v.checkin_at + datetime.timedelta(minutes=70),
        actor=setup["worker_user"],
    )
    first_out = out.checkout_at
    out2 = visit_check_out(visit=v, latitude=0.0, longitude=0.0, actor=setup["worker_user"])
    assert out2.pk == v.pk and out2.checkout_at == first_out
    assert Visit.objects.filter(work_order=v.work_order).count() == 1
    assert AuditEntry.objects.filter(verb="visit.checkout", object_id=str(v.pk)).count() == 1


def test_too_short_and_overlap(setup: dict) -> None:
    v1 = _visit(setup)
    v2 = _visit(setup)  # same worker, a second visit while the first is open
    visit_check_out(
        visit=v2,
        latitude=f.HOME[0],
        longitude=f.HOME[1],
        at=v2.checkin_at + datetime.timedelta(minutes=5),
        actor=setup["worker_user"],
    )
    kinds = set(ServiceException.objects.filter(work_order=v2.work_order).values_list("kind", flat=True))
    assert {ExceptionKind.TOO_SHORT, ExceptionKind.OVERLAP} <= kinds
    assert v1.pk != v2.pk


def test_worker_cannot_check_in_on_someone_elses_order(setup: dict) -> None:
    other_user = f.staff(setup["provider"])
    f.worker(setup["provider"], user=other_user)
    o = f.assigned(setup["hotline"], setup["provider"], setup["worker"])
    with pytest.raises(PermissionDenied):
        visit_check_in(order=o, latitude=f.HOME[0], longitude=f.HOME[1], actor=other_user)


def test_sign_off_by_signature_and_by_code(setup: dict) -> None:
    v = _verified(setup)
    assert v.verified and (v.signature.name or "").endswith(".png")
    assert v.work_order.status == OrderStatus.VERIFIED
    v2 = _visit(setup)
    visit_check_out(
        visit=v2,
        latitude=f.HOME[0],
        longitude=f.HOME[1],
        at=v2.checkin_at + datetime.timedelta(minutes=60),
        actor=setup["worker_user"],
    )
    v2.refresh_from_db()
    code = visit_signoff_code_issue(visit=v2, actor=setup["hotline"])
    with pytest.raises(ValidationError):
        visit_sign_off(
            visit=v2,
            method="code",
            code="000000" if code != "000000" else "111111",
            actor=setup["worker_user"],
        )
    v2.refresh_from_db()
    visit_sign_off(
        visit=v2,
        method="code",
        code=code,
        signed_by="proxy",
        signer_name="李女儿",
        actor=setup["worker_user"],
    )
    v2.refresh_from_db()
    assert v2.verified and v2.signoff_by == "proxy" and not v2.signoff_code_enc


def test_sign_off_needs_check_out_and_a_real_png(setup: dict) -> None:
    v = _visit(setup)
    with pytest.raises(ValidationError):
        visit_sign_off(visit=v, method="signature", signature_png=PNG, actor=setup["worker_user"])
    visit_check_out(
        visit=v,
        latitude=f.HOME[0],
        longitude=f.HOME[1],
        at=v.checkin_at + datetime.timedelta(minutes=60),
        actor=setup["worker_user"],
    )
    v.refresh_from_db()
    with pytest.raises(ValidationError):
        visit_sign_off(visit=v, method="signature", signature_png=b"GIF89a", actor=setup["worker_user"])


def test_reused_photo_is_an_exception(setup: dict) -> None:
    v1, v2 = _visit(setup), _visit(setup)
    visit_add_photo(visit=v1, content=b"jpeg-bytes-1", actor=setup["worker_user"])
    visit_add_photo(visit=v2, content=b"jpeg-bytes-1", actor=setup["worker_user"])
    assert ServiceException.objects.filter(work_order=v2.work_order, kind=ExceptionKind.REUSED_PHOTO).exists()
    assert not ServiceException.objects.filter(
        work_order=v1.work_order, kind=ExceptionKind.REUSED_PHOTO
    ).exists()


def test_exception_resolution_needs_reason_and_is_audited(setup: dict) -> None:
    v = _visit(setup, at=FAR)
    exc = ServiceException.objects.get(work_order=v.work_order, kind=ExceptionKind.OUTSIDE_RADIUS)
    with pytest.raises(ValidationError):
        exception_resolve(exception=exc, outcome="dismissed", reason="", actor=setup["hotline"])
    exception_resolve(exception=exc, outcome="dismissed", reason="老人临时住女儿家", actor=setup["hotline"])
    assert AuditEntry.objects.filter(verb="serviceexception.resolve", object_id=str(exc.pk)).exists()
    with pytest.raises(PermissionDenied):
        exception_resolve(exception=exc, outcome="confirmed", reason="x", actor=setup["worker_user"])


def test_missed_visits_are_detected_once(setup: dict) -> None:
    f.assigned(
        setup["hotline"],
        setup["provider"],
        setup["worker"],
        start=timezone.now() - datetime.timedelta(hours=5),
    )
    assert detect_missed_visits() == 1
    assert detect_missed_visits() == 0


def test_plans_generate_is_idempotent(setup: dict) -> None:
    e = f.elder()
    today = timezone.localdate()
    RecurringPlan.objects.create(
        elder=e,
        item=setup["item"],
        provider=setup["provider"],
        worker=setup["worker"],
        weekdays="2",
        start_time=datetime.time(9),
        valid_from=today,
    )
    made = plans_generate(start=today, days=14)
    assert made == 2
    assert plans_generate(start=today, days=14) == 0
    orders = WorkOrder.objects.filter(plan__isnull=False)
    assert orders.count() == 2
    assert all(o.plan_date.isoweekday() == 2 and o.status == OrderStatus.ASSIGNED for o in orders)


def _month_visit(s: dict, day: datetime.date) -> Visit:
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    o = f.assigned(s["hotline"], s["provider"], s["worker"], start=start)
    v = visit_check_in(order=o, latitude=f.HOME[0], longitude=f.HOME[1], at=start, actor=s["worker_user"])
    return visit_check_out(
        visit=v,
        latitude=f.HOME[0],
        longitude=f.HOME[1],
        at=start + datetime.timedelta(minutes=90),
        actor=s["worker_user"],
    )


def test_settlement_adds_up_and_settles_once(setup: dict, world: World) -> None:
    day = timezone.localdate().replace(day=1)
    v1 = _month_visit(setup, day)
    visit_sign_off(visit=v1, method="signature", signature_png=PNG, actor=setup["worker_user"])
    unverified = _month_visit(setup, day)
    Entitlement.objects.create(
        elder=v1.elder, unit="hours", monthly_quota=Decimal("1"), copay_rate=Decimal("0.1"), valid_from=day
    )
    made = settlement_generate(month=day, actor=world.alice)
    assert len(made) == 1
    s = made[0]
    line = SettlementLine.objects.get(settlement=s)
    assert line.visit_id == v1.pk
    # 1.5 h × 40.00 = 60.00; the entitlement covers 1 of 1.5 hours, 90 % of that by the programme.
    assert line.gross == Decimal("60.00")
    assert line.payable == Decimal("36.00")
    assert line.elder_share == Decimal("24.00")
    assert s.payable + s.elder_share == s.gross_amount == Decimal("60.00")
    assert settlement_generate(month=day, actor=world.alice) == []  # nothing twice
    assert SettlementLine.objects.count() == 1
    with pytest.raises(ValidationError, match="未核验"):
        settlement_add_visits(settlement=s, visits=[unverified], actor=world.alice)
    with pytest.raises(ValidationError, match="已结算"):
        settlement_add_visits(settlement=s, visits=[v1], actor=world.alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        other = Settlement.objects.create(
            provider=s.provider, street=s.street, month=day.replace(year=2001), area_path=s.area_path
        )
        SettlementLine.objects.create(
            settlement=other,
            visit=v1,
            elder=v1.elder,
            item=v1.item,
            quantity=1,
            unit_price=1,
            gross=1,
            elder_share=0,
            payable=1,
        )


def test_settlement_skips_visits_with_open_exceptions_until_resolved(setup: dict, world: World) -> None:
    day = timezone.localdate().replace(day=1)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    o = f.assigned(setup["hotline"], setup["provider"], setup["worker"], start=start)
    v = visit_check_in(order=o, latitude=FAR[0], longitude=FAR[1], at=start, actor=setup["worker_user"])
    v = visit_check_out(
        visit=v,
        latitude=f.HOME[0],
        longitude=f.HOME[1],
        at=start + datetime.timedelta(minutes=60),
        actor=setup["worker_user"],
    )
    visit_sign_off(visit=v, method="signature", signature_png=PNG, actor=setup["worker_user"])
    assert settlement_generate(month=day, actor=world.alice) == []
    exc = ServiceException.objects.get(work_order=o)
    exception_resolve(exception=exc, outcome="dismissed", reason="核实无误", actor=setup["hotline"])
    made = settlement_generate(month=day, actor=world.alice)
    assert made[0].visit_count == 1


def test_settlement_review_then_approve(setup: dict, world: World) -> None:
    day = timezone.localdate().replace(day=1)
    v = _month_visit(setup, day)
    visit_sign_off(visit=v, method="signature", signature_png=PNG, actor=setup["worker_user"])
    s = settlement_generate(month=day, actor=world.alice)[0]
    with pytest.raises(ValidationError):
        settlement_approve(settlement=s, actor=world.alice)
    with pytest.raises(PermissionDenied):
        settlement_review(settlement=s, approve=True, actor=world.carol)  # street B
    settlement_review(settlement=s, approve=True, actor=world.bob)
    settlement_approve(settlement=s, actor=world.alice)
    assert s.status == "approved"


def test_entitlement_usage_counts_verified_visits_only(setup: dict) -> None:
    day = timezone.localdate().replace(day=1)
    v = _month_visit(setup, day)
    Entitlement.objects.create(elder=v.elder, unit="hours", monthly_quota=Decimal("4"), valid_from=day)
    before = selectors.entitlement_usage(v.elder, day)
    assert before is not None and before.used == Decimal("0")
    visit_sign_off(visit=v, method="signature", signature_png=PNG, actor=setup["worker_user"])
    usage = selectors.entitlement_usage(v.elder, day)
    assert usage is not None and usage.used == Decimal("1.50") and usage.remaining == Decimal("2.50")


def test_scorecard(setup: dict) -> None:
    v = _verified(setup)
    visit_rate(visit=v, score=4, comment="好", actor=setup["hotline"])
    rows = selectors.provider_scorecard(Visit.objects.all())
    assert rows[0].visits == 1 and rows[0].verified == 1 and rows[0].mean_rating == 4.0
    by_street = selectors.provider_scorecard(Visit.objects.all(), by_street=True)
    assert by_street[0].street == "320612001"
