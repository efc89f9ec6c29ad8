"""The time bank, double-entry: earned only from verified services, capped, transferred only to
relatives, donated, redeemed only as services, corrected only by reversal, proved at month end."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Sum
from django.utils import timezone

from yiyang.core.models import AuditEntry
from yiyang.core.testing import World
from yiyang.people.models import Elder, ElderContact
from yiyang.people.tests.factories import ElderFactory
from yiyang.volunteers import checks
from yiyang.volunteers.actions import bank, services
from yiyang.volunteers.choices import AccountKind, MovementKind
from yiyang.volunteers.models import BankRule, ServiceRecord, TimeAccount, TimeMovement, Volunteer
from yiyang.volunteers.tests.factories import home, make_team, make_volunteer, verified_service


def _ledger_sums_to_zero() -> None:
    assert (TimeAccount.objects.aggregate(s=Sum("balance_minutes"))["s"] or 0) == 0
    for account in TimeAccount.objects.all():
        credits = account.credits.aggregate(s=Sum("minutes"))["s"] or 0
        debits = account.debits.aggregate(s=Sum("minutes"))["s"] or 0
        assert account.balance_minutes == credits - debits, account


def _daughter_and_father(world: World, *, father_age: int = 82) -> tuple[Volunteer, Elder]:
    volunteer = make_volunteer(world.areas.community_a1, name="陈晓丽", phone="13912345678")
    father = ElderFactory.create(area=world.areas.community_b1, age=father_age, name="陈建国")
    contact = ElderContact(elder=father, name="陈晓丽", relation="child")
    contact.set_phone("13912345678")
    contact.save()
    return volunteer, father


def _consent() -> dict[str, str]:
    return {"requested_by": "陈晓丽", "consent": "in_person"}


def test_a_verified_service_earns_its_hours_once(world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1)
    elder = ElderFactory.create(area=world.areas.community_a1)
    record = verified_service(volunteer, elder, minutes=90, actor=world.dave)
    account = TimeAccount.objects.get(volunteer=volunteer)
    assert record.status == "verified" and record.minutes == 90
    assert account.balance_minutes == 90
    # a retried sign-off credits nothing more
    services.service_sign_off(record=record, method="signature", signed_by=elder.name, actor=world.dave)
    account.refresh_from_db()
    assert account.balance_minutes == 90
    assert TimeMovement.objects.filter(kind=MovementKind.EARN).count() == 1
    _ledger_sums_to_zero()


def test_no_hours_without_check_out_and_sign_off(world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1)
    elder = ElderFactory.create(area=world.areas.community_a1)
    lat, lng = home(elder)
    record = services.service_check_in(volunteer=volunteer, elder=elder, skill="health", latitude=lat,
                                       longitude=lng, actor=world.dave)  # fmt: skip
    with pytest.raises(ValidationError, match="先签退"):
        services.service_sign_off(record=record, method="signature", signed_by="x", actor=world.dave)
    assert not TimeMovement.objects.exists()


def test_a_check_in_away_from_the_home_is_refused(world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1)
    elder = ElderFactory.create(area=world.areas.community_a1)
    lat, lng = home(elder)
    with pytest.raises(ValidationError, match="超出 300 米"):
        services.service_check_in(volunteer=volunteer, elder=elder, skill="health", latitude=lat + 0.01,
                                  longitude=lng, actor=world.dave)  # fmt: skip
    with pytest.raises(ValidationError, match="定位"):
        services.service_check_in(volunteer=volunteer, elder=elder, skill="health", latitude=None,
                                  longitude=None, actor=world.dave)  # fmt: skip
    assert not ServiceRecord.objects.exists()


def test_hours_above_the_cap_go_to_the_pool(world: World) -> None:
    BankRule.objects.update(cap_hours=2)
    volunteer = make_volunteer(world.areas.community_a1)
    elder = ElderFactory.create(area=world.areas.community_a1)
    verified_service(volunteer, elder, minutes=90, actor=world.dave)
    verified_service(volunteer, elder, minutes=60, actor=world.dave)
    account = TimeAccount.objects.get(volunteer=volunteer)
    pool = TimeAccount.objects.get(kind=AccountKind.POOL)
    assert account.balance_minutes == 120 and pool.balance_minutes == 30
    overflow = TimeMovement.objects.get(kind=MovementKind.OVERFLOW)
    assert overflow.debit == account and "上限" in overflow.memo
    _ledger_sums_to_zero()


def test_a_volunteer_transfers_hours_to_her_father(world: World) -> None:
    volunteer, father = _daughter_and_father(world)
    verified_service(
        volunteer, ElderFactory.create(area=world.areas.community_a1), minutes=180, actor=world.dave
    )
    account = TimeAccount.objects.get(volunteer=volunteer)
    movement = bank.hours_transfer(account=account, elder=father, minutes=120, actor=world.dave, **_consent())
    assert movement.relation == "parent" and movement.consent == "in_person"
    assert TimeAccount.objects.get(elder=father).balance_minutes == 120  # valid in another street (通存通兑)
    assert AuditEntry.objects.filter(verb="timemovement.transfer", subject_id=father.pk).exists()
    _ledger_sums_to_zero()


def test_a_transfer_to_a_non_relative_is_refused_with_a_reason(world: World) -> None:
    volunteer, _father = _daughter_and_father(world)
    verified_service(
        volunteer, ElderFactory.create(area=world.areas.community_a1), minutes=120, actor=world.dave
    )
    stranger = ElderFactory.create(area=world.areas.community_a1, age=80)
    account = TimeAccount.objects.get(volunteer=volunteer)
    with pytest.raises(ValidationError, match="不是该志愿者的配偶或直系亲属"):
        bank.hours_transfer(account=account, elder=stranger, minutes=60, actor=world.dave, **_consent())
    # a neighbour of the same name is not a relative either
    ElderContact.objects.create(elder=stranger, name="陈晓丽", relation="neighbour")
    with pytest.raises(ValidationError, match="不是该志愿者的配偶或直系亲属"):
        bank.hours_transfer(account=account, elder=stranger, minutes=60, actor=world.dave, **_consent())
    account.refresh_from_db()
    assert account.balance_minutes == 120 and not TimeMovement.objects.filter(kind="transfer").exists()


def test_a_relative_under_sixty_and_a_full_account_are_refused(world: World) -> None:
    volunteer, father = _daughter_and_father(world, father_age=58)
    verified_service(
        volunteer, ElderFactory.create(area=world.areas.community_a1), minutes=120, actor=world.dave
    )
    account = TimeAccount.objects.get(volunteer=volunteer)
    with pytest.raises(ValidationError, match="年满60周岁"):
        bank.hours_transfer(account=account, elder=father, minutes=60, actor=world.dave, **_consent())
    volunteer2, father2 = _daughter_and_father(world)
    verified_service(
        volunteer2, ElderFactory.create(area=world.areas.community_a1), minutes=120, actor=world.dave
    )
    BankRule.objects.update(cap_hours=1)
    with pytest.raises(ValidationError, match="超出存储上限"):
        bank.hours_transfer(account=TimeAccount.objects.get(volunteer=volunteer2), elder=father2, minutes=90,
                            actor=world.dave, **_consent())  # fmt: skip


def test_consent_is_recorded_or_nothing_moves(world: World) -> None:
    volunteer, father = _daughter_and_father(world)
    verified_service(
        volunteer, ElderFactory.create(area=world.areas.community_a1), minutes=60, actor=world.dave
    )
    account = TimeAccount.objects.get(volunteer=volunteer)
    with pytest.raises(ValidationError) as refused:
        bank.hours_transfer(
            account=account, elder=father, minutes=30, actor=world.dave, requested_by="", consent=""
        )
    assert set(refused.value.message_dict) == {"requested_by", "consent"}


def test_a_cash_withdrawal_is_refused_and_a_service_is_not(world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1, age=66)
    verified_service(
        volunteer, ElderFactory.create(area=world.areas.community_a1), minutes=120, actor=world.dave
    )
    account = TimeAccount.objects.get(volunteer=volunteer)
    with pytest.raises(ValidationError, match="不能兑换现金"):
        bank.hours_redeem(
            account=account, minutes=60, method="cash", service="", actor=world.dave, **_consent()
        )
    bank.hours_redeem(account=account, minutes=60, method="service", service="上门理发", actor=world.dave,
                      **_consent())  # fmt: skip
    account.refresh_from_db()
    assert account.balance_minutes == 60
    assert TimeAccount.objects.get(kind=AccountKind.SERVICE).balance_minutes == 60
    _ledger_sums_to_zero()


def test_more_than_the_balance_is_refused(world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1, age=66)
    verified_service(
        volunteer, ElderFactory.create(area=world.areas.community_a1), minutes=30, actor=world.dave
    )
    account = TimeAccount.objects.get(volunteer=volunteer)
    with pytest.raises(ValidationError, match="余额不足"):
        bank.hours_donate(account=account, minutes=31, actor=world.dave, **_consent())


def test_group_hours_may_only_be_donated(world: World) -> None:
    team = make_team(world.areas.community_a1)
    account = bank.account_for_team(team)
    bank.earn(account=account, minutes=600, source_key="manual:test", memo="", actor=None)
    father = ElderFactory.create(area=world.areas.community_a1, age=80)
    with pytest.raises(ValidationError, match="只能捐赠"):
        bank.hours_transfer(account=account, elder=father, minutes=60, actor=world.dave, **_consent())
    with pytest.raises(ValidationError, match="只能捐赠"):
        bank.hours_redeem(account=account, minutes=60, method="service", service="保洁", actor=world.dave,
                          **_consent())  # fmt: skip
    bank.hours_donate(account=account, minutes=600, actor=world.dave, **_consent())
    assert TimeAccount.objects.get(kind=AccountKind.POOL).balance_minutes == 600


def test_the_pool_serves_an_elder_living_alone(world: World) -> None:
    team = make_team(world.areas.community_a1)
    account = bank.account_for_team(team)
    bank.earn(account=account, minutes=300, source_key="manual:pool", memo="", actor=None)
    bank.hours_donate(account=account, minutes=300, actor=None, **_consent())
    pool = TimeAccount.objects.get(kind=AccountKind.POOL)
    alone = ElderFactory.create(area=world.areas.community_a1, age=86, living_situation="alone")
    with_family = ElderFactory.create(area=world.areas.community_a1, age=86)
    with pytest.raises(ValidationError, match="重点空巢独居"):
        bank.pool_grant(pool=pool, elder=with_family, minutes=60, actor=world.alice)
    with pytest.raises(PermissionDenied):
        bank.pool_grant(pool=pool, elder=alone, minutes=60, actor=world.bob)  # the district's pool
    bank.pool_grant(pool=pool, elder=alone, minutes=60, actor=world.alice)
    assert TimeAccount.objects.get(elder=alone).balance_minutes == 60


def test_a_correction_is_a_reversal_and_both_stay_visible(world: World) -> None:
    volunteer, father = _daughter_and_father(world)
    verified_service(
        volunteer, ElderFactory.create(area=world.areas.community_a1), minutes=120, actor=world.dave
    )
    account = TimeAccount.objects.get(volunteer=volunteer)
    transfer = bank.hours_transfer(account=account, elder=father, minutes=60, actor=world.dave, **_consent())
    with pytest.raises(PermissionDenied):
        bank.movement_reverse(movement=transfer, reason="录错时长", actor=world.dave)
    reversal = bank.movement_reverse(movement=transfer, reason="录错时长", actor=world.bob)
    assert reversal.reverses == transfer and reversal.debit == transfer.credit
    assert set(TimeMovement.objects.filter(pk__in=[transfer.pk, reversal.pk]).values_list("pk", flat=True)) == {
        transfer.pk, reversal.pk}  # fmt: skip
    account.refresh_from_db()
    assert account.balance_minutes == 120
    with pytest.raises(ValidationError, match="已冲正"):
        bank.movement_reverse(movement=transfer, reason="再来一次", actor=world.bob)
    with pytest.raises(ValidationError, match="不能再冲正"):
        bank.movement_reverse(movement=reversal, reason="撤销冲正", actor=world.bob)
    _ledger_sums_to_zero()


def test_a_reversal_of_hours_already_spent_is_refused(world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1, age=66)
    [earning] = bank.earn(account=bank.account_for_volunteer(volunteer), minutes=60, source_key="manual:x",
                          memo="", actor=None)  # fmt: skip
    bank.hours_redeem(account=TimeAccount.objects.get(volunteer=volunteer), minutes=60, method="service",
                      service="助浴", actor=world.dave, **_consent())  # fmt: skip
    with pytest.raises(ValidationError, match="余额不足"):
        bank.movement_reverse(movement=earning, reason="误记", actor=world.bob)


def test_month_end_check_proves_the_ledger_and_finds_a_tampered_balance(world: World) -> None:
    volunteer, father = _daughter_and_father(world)
    verified_service(
        volunteer, ElderFactory.create(area=world.areas.community_a1), minutes=120, actor=world.dave
    )
    bank.hours_transfer(account=TimeAccount.objects.get(volunteer=volunteer), elder=father, minutes=60,
                        actor=world.dave, **_consent())  # fmt: skip
    month = timezone.localdate()
    check = checks.run_check(month=month, actor=world.alice)
    assert check.ok, check.problems
    assert check.movements == 2 and check.total_minutes == 0 and check.cap_hours == 1500
    TimeAccount.objects.filter(volunteer=volunteer).update(balance_minutes=999)
    bad = checks.run_check(month=month, actor=world.alice)
    assert not bad.ok
    assert {p["problem"] for p in bad.problems} >= {"余额与流水不符", "全部账户余额合计不为零"}


def test_month_end_check_finds_an_earning_without_a_verified_source(world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1)
    bank.earn(account=bank.account_for_volunteer(volunteer), minutes=60, source_key="service:999999", memo="",
              actor=None)  # fmt: skip
    check = checks.run_check(month=timezone.localdate(), actor=None)
    assert [p["problem"] for p in check.problems] == ["存入时间没有对应的已核验服务或签到"]


def test_month_end_check_finds_a_holder_above_the_cap_at_the_month_end(world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1)
    account = bank.account_for_volunteer(volunteer)
    record = verified_service(volunteer, ElderFactory.create(area=world.areas.community_a1), minutes=120)
    assert account.pk == TimeAccount.objects.get(volunteer=volunteer).pk and record.minutes == 120
    BankRule.objects.update(valid_to=datetime.date(2020, 1, 1))
    BankRule.objects.create(name="试点", cap_hours=1, valid_from=datetime.date(2020, 1, 2))
    check = checks.run_check(month=timezone.localdate(), actor=None)
    assert [p["problem"] for p in check.problems] == ["月末余额超出存储上限"]


def test_month_end_check_starts_from_the_last_checkpoint_and_sees_an_edited_movement(world: World) -> None:
    """A passed check leaves a checkpoint; the next sums only the movements since (and still proves
    them); a movement edited behind the ledger's back after a check is found by the fingerprint."""
    from yiyang.volunteers.models import LedgerCheckpoint

    volunteer = make_volunteer(world.areas.community_a1)
    elder = ElderFactory.create(area=world.areas.community_a1)
    first_service = verified_service(volunteer, elder, minutes=60)
    account = bank.account_for_volunteer(volunteer)
    month = timezone.localdate()
    first = checks.run_check(month=month, actor=None)
    assert first.ok and not first.incremental and first.checkpointed and first.movements == 1
    # the fingerprint read from the per-account sums is the one a pass over the movements gives
    assert first.fingerprint == checks._fingerprint(0, first.through_id or 0)
    assert LedgerCheckpoint.objects.filter(month_end=first).count() == 2  # the volunteer, the issue account
    verified_service(volunteer, elder, minutes=30)
    second = checks.run_check(month=month, actor=None)
    assert second.ok and second.incremental and second.movements == 2
    assert second.fingerprint == checks._fingerprint(0, second.through_id or 0)
    assert not LedgerCheckpoint.objects.filter(month_end=first).exists()
    first.refresh_from_db()
    assert not first.checkpointed
    # a maintained balance out of step with the movements since is still found
    TimeAccount.objects.filter(pk=account.pk).update(balance_minutes=F("balance_minutes") + 1)
    third = checks.run_check(month=month, actor=None)
    assert not third.ok and third.incremental
    assert [p["problem"] for p in third.problems] == ["余额与流水不符", "全部账户余额合计不为零"]
    TimeAccount.objects.filter(pk=account.pk).update(balance_minutes=F("balance_minutes") - 1)
    # an old movement changed behind the ledger's back: the fingerprint differs, the whole ledger is summed
    TimeMovement.objects.filter(source_key=first_service.source_key).update(minutes=61)
    fourth = checks.run_check(month=month, actor=None)
    assert not fourth.ok and not fourth.incremental
    assert "上次核对后已核对的流水被改动" in [p["problem"] for p in fourth.problems]
    assert "余额与流水不符" in [p["problem"] for p in fourth.problems]
