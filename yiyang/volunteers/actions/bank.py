"""The time bank's movements: earning, transfer, donation, redemption, pool grants and reversal.

Every movement goes through :func:`post`, which locks both accounts (in key order, so two movements
between the same accounts never deadlock), decides on the balances as they are now, refuses an
overdraft or a holder above the cap with a reason, updates both maintained balances and writes the
movement — all in one transaction.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area
from yiyang.core import audit
from yiyang.core.dated import in_force_q
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.people.models import Elder, ElderContact
from yiyang.volunteers import rules
from yiyang.volunteers.choices import (
    HOLDER_KINDS,
    AccountKind,
    MovementKind,
    RedeemMethod,
    Relation,
)
from yiyang.volunteers.models import BankRule, TimeAccount, TimeMovement, Volunteer, VolunteerTeam
from yiyang.volunteers.models.bank import hours

_DISTRICT_NAMES = {
    AccountKind.POOL: "爱心时间池",
    AccountKind.ISSUE: "服务时长发放",
    AccountKind.SERVICE: "服务兑换",
}


# -- rules and accounts ---------------------------------------------------------------------------------


def rule_on(day: datetime.date | None = None) -> BankRule:
    rule = BankRule.objects.filter(in_force_q(day or timezone.localdate())).order_by("-valid_from").first()
    if rule is None:
        raise ValidationError(_("没有生效的时间银行规则，请先在“时间银行规则”中设置存储上限"))
    return rule


def district_path(path: str) -> str:
    return path[:6]


def district_account(kind: str, path: str) -> TimeAccount:
    """The district's pool or system account (made on first use)."""
    district = district_path(path)
    area = Area.objects.filter(path=district).first()
    name = f"{area.name if area else district}{_DISTRICT_NAMES[AccountKind(kind)]}"
    account, _created = TimeAccount.objects.get_or_create(
        kind=kind, area_path=district, defaults={"name": name}
    )
    return account


def account_for_volunteer(volunteer: Volunteer) -> TimeAccount:
    account, _created = TimeAccount.objects.get_or_create(
        volunteer=volunteer,
        defaults={"kind": AccountKind.PERSONAL, "name": volunteer.name, "area_path": volunteer.area_path},
    )
    return account


def account_for_team(team: VolunteerTeam) -> TimeAccount:
    account, _created = TimeAccount.objects.get_or_create(
        team=team, defaults={"kind": AccountKind.TEAM, "name": team.name, "area_path": team.area_path}
    )
    return account


def account_for_elder(elder: Elder) -> TimeAccount:
    """An elder who volunteers holds hours in the personal account; any other elder in an elder account."""
    volunteer = Volunteer.objects.filter(elder=elder).first()
    if volunteer is not None:
        return account_for_volunteer(volunteer)
    account, _created = TimeAccount.objects.get_or_create(
        elder=elder, defaults={"kind": AccountKind.ELDER, "name": elder.name, "area_path": elder.area_path}
    )
    return account


# -- posting ----------------------------------------------------------------------------------------------


def post(
    *,
    debit: TimeAccount,
    credit: TimeAccount,
    minutes: int,
    kind: str,
    actor: Any,
    area_path: str,
    allow_over_cap: bool = False,
    **fields: Any,
) -> TimeMovement:
    """Move ``minutes`` from ``debit`` to ``credit``: the one way the ledger and the balances change."""
    if minutes <= 0:
        raise ValidationError({"hours": _("时长必须大于零")})
    if debit.pk == credit.pk:
        raise ValidationError(_("转出和转入不能是同一账户"))
    with transaction.atomic():
        rows = TimeAccount.objects.select_for_update().filter(pk__in=[debit.pk, credit.pk]).order_by("pk")
        locked = {a.pk: a for a in rows}
        d, c = locked[debit.pk], locked[credit.pk]
        if (d.is_holder or d.kind == AccountKind.POOL) and d.balance_minutes < minutes:
            raise ValidationError(
                {"hours": _("余额不足：%(account)s 现有 %(balance)s 小时，本次需 %(hours)s 小时")
                 % {"account": d.name, "balance": d.balance_hours, "hours": hours(minutes)}}
            )  # fmt: skip
        if c.is_holder and not allow_over_cap:
            cap = rule_on().cap_hours * 60
            if c.balance_minutes + minutes > cap:
                raise ValidationError(
                    {"hours": _("超出存储上限：%(account)s 现有 %(balance)s 小时，存储上限 %(cap)s 小时，"
                                "最多还能转入 %(room)s 小时")
                     % {"account": c.name, "balance": c.balance_hours, "cap": cap // 60,
                        "room": hours(max(cap - c.balance_minutes, 0))}}
                )  # fmt: skip
        TimeAccount.objects.filter(pk=d.pk).update(balance_minutes=F("balance_minutes") - minutes)
        TimeAccount.objects.filter(pk=c.pk).update(balance_minutes=F("balance_minutes") + minutes)
        movement = TimeMovement.objects.create(
            kind=kind, debit=d, credit=c, minutes=minutes, area_path=area_path,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            actor_name=_actor_name(actor), **fields,
        )  # fmt: skip
        debit.balance_minutes = d.balance_minutes - minutes
        credit.balance_minutes = c.balance_minutes + minutes
    return movement


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "系统"
    return str(actor.get_full_name() or actor.get_username())


def _audit(movement: TimeMovement, actor: Any, subject_id: int | None = None, message: str = "") -> None:
    audit.record_change(
        actor=actor, obj=movement, action=AuditEntry.Action.WORKFLOW, verb=f"timemovement.{movement.kind}",
        after=audit.snapshot(movement), message=message, subject_id=subject_id,
    )  # fmt: skip


def _consent(requested_by: str, consent: str) -> dict[str, Any]:
    errors = {}
    if not (requested_by or "").strip():
        errors["requested_by"] = _("请填写申请人（本人或代办人姓名）")
    if not consent:
        errors["consent"] = _("请记录本人同意的方式")
    if errors:
        raise ValidationError(errors)
    return {"requested_by": requested_by.strip(), "consent": consent}


# -- earning ----------------------------------------------------------------------------------------------


def earn(*, account: TimeAccount, minutes: int, source_key: str, memo: str, actor: Any) -> list[TimeMovement]:
    """Credit hours for a verified service or attendance, once per source; above the cap, the excess
    goes on to the district's pool in the same transaction, so no account ever ends above the cap."""
    with transaction.atomic():
        done = list(
            TimeMovement.objects.filter(
                source_key=source_key, kind__in=[MovementKind.EARN, MovementKind.OVERFLOW]
            )
        )
        if done:
            return done  # a retried sign-off or a second scan: nothing doubled
        issue = district_account(AccountKind.ISSUE, account.area_path)
        pool = district_account(AccountKind.POOL, account.area_path)
        list(
            TimeAccount.objects.select_for_update()
            .filter(pk__in=[issue.pk, account.pk, pool.pk])
            .order_by("pk")
        )
        made = [post(debit=issue, credit=account, minutes=minutes, kind=MovementKind.EARN, actor=actor,
                     area_path=account.area_path, allow_over_cap=True, source_key=source_key, memo=memo)]  # fmt: skip
        cap = rule_on().cap_hours * 60
        if account.balance_minutes > cap:
            made.append(post(
                debit=account, credit=pool, minutes=account.balance_minutes - cap, kind=MovementKind.OVERFLOW,
                actor=actor, area_path=account.area_path, source_key=source_key,
                memo=f"超出存储上限 {cap // 60} 小时，自动捐赠爱心时间池",
            ))  # fmt: skip
        for movement in made:
            _audit(movement, actor, account.audit_subject_id)
    return made


# -- what a holder does -----------------------------------------------------------------------------------


def recipient_relation(volunteer: Volunteer, elder: Elder) -> Relation:
    """The recipient's relation to the volunteer, from the registry's contact links, or a refusal."""
    if elder.status != "living":
        raise ValidationError({"recipient": _("受赠老人不是在册状态")})
    found: Relation | None = None
    for contact in ElderContact.objects.filter(elder=elder):
        if contact.name.strip() != volunteer.name.strip():
            continue
        if contact.phone_enc and volunteer.phone_enc and contact.phone != volunteer.phone:
            continue
        found = found or rules.relation_from_contact(contact.relation)
    if found is None and volunteer.elder_id:
        spouses = ElderContact.objects.filter(elder_id=volunteer.elder_id, relation="spouse", name=elder.name)
        found = Relation.SPOUSE if spouses.exists() else None
    if found is None:
        raise ValidationError({"recipient": _(
            "%(elder)s 不是该志愿者的配偶或直系亲属：转赠只能给配偶或60周岁以上的直系亲属，"
            "以老年人信息台账中登记的联系人关系为准"
        ) % {"elder": elder.name}})  # fmt: skip
    min_age = rule_on().relative_min_age
    if not rules.may_receive(found, elder.age, min_age):
        raise ValidationError({"recipient": _("受赠的直系亲属须年满%(age)s周岁，%(elder)s 现年 %(now)s 岁")
                               % {"age": min_age, "elder": elder.name, "now": elder.age}})  # fmt: skip
    return found


def _holder(account: TimeAccount, what: str) -> None:
    if account.kind == AccountKind.TEAM:
        raise ValidationError(_("团体志愿者的时间只能捐赠，不能%(what)s") % {"what": what})
    if account.kind not in HOLDER_KINDS:
        raise ValidationError(_("该账户不能办理此业务"))


def hours_transfer(
    *, account: TimeAccount, elder: Elder, minutes: int, requested_by: str, consent: str, actor: Any,
    proxy_relation: str = "", memo: str = "",
) -> TimeMovement:  # fmt: skip
    """转赠: a volunteer's hours to a spouse or a direct relative aged 60+, checked against the registry."""
    require(actor, "move", account)
    _holder(account, _("转赠"))
    if account.kind != AccountKind.PERSONAL or account.volunteer is None:
        raise ValidationError(_("只有志愿者个人账户可以转赠"))
    fields = _consent(requested_by, consent)
    relation = recipient_relation(account.volunteer, elder)
    with transaction.atomic():
        recipient = account_for_elder(elder)
        movement = post(debit=account, credit=recipient, minutes=minutes, kind=MovementKind.TRANSFER, actor=actor,
                        area_path=account.area_path, relation=relation, proxy_relation=proxy_relation,
                        memo=memo or f"转赠给{Relation(relation).label}{elder.name}", **fields)  # fmt: skip
        _audit(movement, actor, elder.pk)
    return movement


def hours_donate(
    *, account: TimeAccount, minutes: int, requested_by: str, consent: str, actor: Any, proxy_relation: str = "",
    memo: str = "",
) -> TimeMovement:  # fmt: skip
    """捐赠: hours to the district's pool, which serves 重点空巢独居 elders first. Teams may only donate."""
    require(actor, "move", account)
    if account.kind not in HOLDER_KINDS:
        raise ValidationError(_("该账户不能办理此业务"))
    fields = _consent(requested_by, consent)
    with transaction.atomic():
        pool = district_account(AccountKind.POOL, account.area_path)
        movement = post(debit=account, credit=pool, minutes=minutes, kind=MovementKind.DONATE, actor=actor,
                        area_path=account.area_path, proxy_relation=proxy_relation,
                        memo=memo or "捐赠爱心时间池", **fields)  # fmt: skip
        _audit(movement, actor, account.audit_subject_id)
    return movement


def hours_redeem(
    *, account: TimeAccount, minutes: int, method: str, service: str, requested_by: str, consent: str, actor: Any,
    proxy_relation: str = "",
) -> TimeMovement:  # fmt: skip
    """兑换: hours spent on a service the holder receives. Never cash."""
    require(actor, "move", account)
    if method == RedeemMethod.CASH:
        raise ValidationError({"method": _("时间银行的时间只能兑换服务，不能兑换现金")})
    if method != RedeemMethod.SERVICE:
        raise ValidationError({"method": _("请选择兑换方式")})
    _holder(account, _("兑换服务"))
    if not (service or "").strip():
        raise ValidationError({"service": _("请填写兑换的服务内容")})
    fields = _consent(requested_by, consent)
    person = account.volunteer if account.kind == AccountKind.PERSONAL else account.elder
    min_age = rule_on().relative_min_age
    if person is not None and person.age < min_age:
        raise ValidationError(_("年满%(age)s周岁方可兑换服务；未满的志愿者可把时间转赠给配偶或60周岁以上的直系亲属")
                              % {"age": min_age})  # fmt: skip
    with transaction.atomic():
        sink = district_account(AccountKind.SERVICE, account.area_path)
        movement = post(debit=account, credit=sink, minutes=minutes, kind=MovementKind.REDEEM, actor=actor,
                        area_path=account.area_path, proxy_relation=proxy_relation,
                        memo=f"兑换服务：{service.strip()}"[:200], **fields)  # fmt: skip
        _audit(movement, actor, account.audit_subject_id)
    return movement


def pool_grant(*, pool: TimeAccount, elder: Elder, minutes: int, actor: Any, memo: str = "") -> TimeMovement:
    """爱心池发放: donated hours to a 重点空巢独居 elder."""
    require(actor, "move", pool)
    if pool.kind != AccountKind.POOL:
        raise ValidationError(_("只能从爱心时间池发放"))
    if not rules.priority_recipient(age=elder.age, living_situation=elder.living_situation,
                                    categories=elder.category_list(), disabled=bool(elder.capability_level)):  # fmt: skip
        raise ValidationError({"recipient": _("爱心时间池优先发放给重点空巢独居老人：80周岁以上独居，"
                                              "或60至79周岁低保、失能且独居")})  # fmt: skip
    with transaction.atomic():
        account = account_for_elder(elder)
        movement = post(debit=pool, credit=account, minutes=minutes, kind=MovementKind.GRANT, actor=actor,
                        area_path=elder.area_path, memo=memo or f"爱心时间池发放给{elder.name}")  # fmt: skip
        _audit(movement, actor, elder.pk)
    return movement


def movement_reverse(*, movement: TimeMovement, reason: str, actor: Any) -> TimeMovement:
    """冲正: a movement the other way naming the original; both stay on the statements."""
    require(actor, "reverse", movement)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写冲正原因")})
    if movement.kind == MovementKind.REVERSAL:
        raise ValidationError(_("冲正流水不能再冲正"))
    with transaction.atomic():
        original = TimeMovement.objects.select_for_update().get(pk=movement.pk)
        if TimeMovement.objects.filter(reverses=original).exists():
            raise ValidationError(_("该流水已冲正"))
        reversal = post(debit=original.credit, credit=original.debit, minutes=original.minutes,
                        kind=MovementKind.REVERSAL, actor=actor, area_path=original.area_path, allow_over_cap=True,
                        reverses=original, memo=f"冲正 #{original.pk}：{reason.strip()}"[:200])  # fmt: skip
        subject = original.credit.audit_subject_id or original.debit.audit_subject_id
        _audit(reversal, actor, subject, message=reason.strip())
    return reversal
