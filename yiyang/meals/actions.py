"""Meal-assistance workflows: counter identification, serving a meal, delivery orders.

The counter never browses the registry: an elder from any community may eat at any canteen, so the
counter looks one person up by ID number, card or QR code and sees only the name, the masked ID and
the subsidy they are entitled to — and that look-up is written to the access log.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yiyang.core import audit, crypto, scoping
from yiyang.core.i18n import records_language, stored
from yiyang.core.idnumber import IdNumberError, parse_id_number
from yiyang.core.models import AccessLog, AuditEntry, Membership
from yiyang.core.scoping import require
from yiyang.meals.choices import Channel, DeliveryStatus, IdentifiedBy, MealSlot
from yiyang.meals.models import (
    Canteen,
    DeliveryOrder,
    MealCard,
    MealRecord,
    Menu,
    SubsidyRule,
)
from yiyang.meals.subsidy import SubsidyQuote, quote_subsidy
from yiyang.people.choices import ElderStatus
from yiyang.people.models import Certification, Elder

QR_PREFIX = "YYM1"
_QR_SALT = "yiyang.meals.qr"
_COUNTER_SALT = "yiyang.meals.counter"
COUNTER_TOKEN_MAX_AGE = 15 * 60
DEFAULT_PRICE = Decimal("12.00")


class MealRefused(ValidationError):
    """The elder already had a subsidised meal in this slot today (at this or another canteen)."""

    http_status = 409  # the API answers a conflict, not bad input (core.api_errors)


# -- QR codes -------------------------------------------------------------------------------------------


def qr_token(elder: Elder) -> str:
    """The signed token printed on an elder's meal QR code: ``YYM1:<id>:<signature>``.

    It carries no personal data, only the registry id, and cannot be forged without the secret key.
    """
    return f"{QR_PREFIX}:" + signing.Signer(salt=_QR_SALT).sign(str(elder.pk))


def qr_verify(token: str) -> int:
    """The elder id in a QR token; ``ValidationError`` if it was altered or is not ours."""
    token = token.strip()
    if not token.startswith(QR_PREFIX + ":"):
        raise ValidationError(_("不是有效的助餐二维码"))
    try:
        return int(signing.Signer(salt=_QR_SALT).unsign(token[len(QR_PREFIX) + 1 :]))
    except (signing.BadSignature, ValueError) as exc:
        raise ValidationError(_("二维码校验失败（可能被篡改），请改用身份证或助餐卡")) from exc


def counter_token(elder: Elder, canteen: Canteen) -> str:
    """Short-lived token that carries the identified elder from the check to the record."""
    return signing.TimestampSigner(salt=_COUNTER_SALT).sign(f"{elder.pk}.{canteen.pk}")


def counter_token_elder(token: str, canteen: Canteen) -> Elder:
    try:
        value = signing.TimestampSigner(salt=_COUNTER_SALT).unsign(token, max_age=COUNTER_TOKEN_MAX_AGE)
        elder_id, canteen_id = (int(x) for x in value.split("."))
    except (signing.BadSignature, ValueError) as exc:
        raise ValidationError(_("核验已过期，请重新刷卡或输入证件号")) from exc
    if canteen_id != canteen.pk:
        raise ValidationError(_("核验结果不属于本助餐点，请重新核验"))
    return Elder.objects.get(pk=elder_id)


# -- permission ---------------------------------------------------------------------------------------


def servable_canteens(actor: Any) -> Any:
    return Canteen.objects.for_user(actor, "serve").filter(is_active=True)


def _check_serve(actor: Any, canteen: Canteen) -> None:
    if actor is None:
        return  # demo and system jobs
    if not servable_canteens(actor).filter(pk=canteen.pk).exists():
        raise PermissionDenied(_("您不是该助餐点的工作人员"))


# -- identification -------------------------------------------------------------------------------------


def current_slot(now: datetime.datetime | None = None) -> str:
    hour = timezone.localtime(now).hour
    if hour < 10:
        return MealSlot.BREAKFAST
    if hour < 15:
        return MealSlot.LUNCH
    return MealSlot.DINNER


def resolve_identifier(identifier: str) -> tuple[Elder, str]:
    """Elder and how they were identified, from a typed ID number, a card number or a scanned QR token."""
    text = identifier.strip().replace(" ", "")
    if not text:
        raise ValidationError(_("请输入身份证号、助餐卡号或扫描二维码"))
    if text.upper().startswith(QR_PREFIX + ":"):
        elder = Elder.objects.filter(pk=qr_verify(text)).first()
        how = IdentifiedBy.QR
    elif len(text) in (15, 18) and text[:-1].isdigit():
        try:
            parsed = parse_id_number(text)
        except IdNumberError as exc:
            raise ValidationError(_("身份证号无效：%(error)s") % {"error": exc}) from exc
        elder = Elder.objects.filter(id_number_hash=crypto.lookup_hash(parsed.value)).first()
        how = IdentifiedBy.ID_NUMBER
    else:
        card = MealCard.objects.filter(card_no=text, is_active=True).select_related("elder").first()
        elder = card.elder if card else None
        how = IdentifiedBy.CARD
    if elder is None:
        raise ValidationError(_("未找到该老人（未登记或卡已停用）"))
    if elder.status != ElderStatus.LIVING:
        raise ValidationError(_("该老人不在册（已故或迁出），不能享受助餐补贴"))
    return elder, how


def categories_on(elder: Elder, day: datetime.date) -> list[str]:
    return list(Certification.objects.filter(elder=elder).current(day).values_list("category", flat=True))


def subsidy_for(elder: Elder, day: datetime.date) -> SubsidyQuote:
    return quote_subsidy(
        SubsidyRule.objects.all(), age=elder.age_on(day), categories=categories_on(elder, day), day=day
    )


def menu_price(canteen: Canteen, day: datetime.date, slot: str) -> tuple[Decimal, str]:
    menu = Menu.objects.filter(canteen=canteen, date=day, slot=slot).first()
    return (menu.price, menu.dishes) if menu else (DEFAULT_PRICE, "")


def subsidised_meal(elder: Elder, day: datetime.date, slot: str) -> MealRecord | None:
    return (
        MealRecord.objects.filter(elder=elder, date=day, slot=slot, subsidised=True)
        .select_related("canteen")
        .first()
    )


@dataclass
class CounterCheck:
    """What the counter may see about the person in front of it."""

    token: str
    name: str
    id_number_masked: str
    age: int
    category_labels: list[str]
    identified_by: str
    slot: str
    day: datetime.date
    price: Decimal
    dishes: str
    quote: SubsidyQuote
    subsidy: Decimal
    already: MealRecord | None

    @property
    def slot_label(self) -> str:
        return str(MealSlot(self.slot).label)

    @property
    def elder_pays(self) -> Decimal:
        return self.price if self.already else self.price - self.subsidy

    @property
    def refusal(self) -> str:
        if not self.already:
            return ""
        a = self.already
        return _(
            "该老人%(date)s%(slot)s已在「%(canteen)s」享受补贴（%(time)s），本餐不能再补贴，可按原价售餐。"
        ) % {
            "date": f"{a.date:%Y-%m-%d}",
            "slot": a.get_slot_display(),
            "canteen": a.canteen,
            "time": f"{timezone.localtime(a.served_at):%H:%M}",
        }


def counter_check(
    *,
    canteen: Canteen,
    identifier: str,
    actor: Any,
    slot: str | None = None,
    day: datetime.date | None = None,
) -> CounterCheck:
    """Identify the elder at the counter and quote the subsidy; logged as an access to personal data."""
    _check_serve(actor, canteen)
    day = day or timezone.localdate()
    slot = slot or current_slot()
    elder, how = resolve_identifier(identifier)
    quote = subsidy_for(elder, day)
    price, dishes = menu_price(canteen, day, slot)
    from yiyang.people.choices import EconomicCategory

    cats = [str(EconomicCategory(c).label) for c in categories_on(elder, day) if c in EconomicCategory.values]
    audit.record_access(
        actor=actor,
        kind=AccessLog.Kind.VIEW,
        object_type="people.elder",
        object_id=str(elder.pk),
        subject_id=elder.pk,
        area_path=elder.area_path,
        fields=["name", "id_number_masked", "subsidy_eligibility"],
        reason=f"助餐窗口核验：{canteen}（{stored(IdentifiedBy(how).label)}）",
    )
    return CounterCheck(
        token=counter_token(elder, canteen),
        name=elder.name,
        id_number_masked=elder.id_number_masked,
        age=elder.age_on(day),
        category_labels=cats,
        identified_by=how,
        slot=slot,
        day=day,
        price=price,
        dishes=dishes,
        quote=quote,
        subsidy=quote.for_price(price),
        already=subsidised_meal(elder, day, slot),
    )


# -- serving --------------------------------------------------------------------------------------------


def meal_record_create(
    *,
    canteen: Canteen,
    elder: Elder,
    slot: str,
    identified_by: str,
    actor: Any,
    day: datetime.date | None = None,
    subsidy: str = "require",
    channel: str = Channel.DINE_IN,
    price: Decimal | None = None,
) -> MealRecord:
    """Record a meal. ``subsidy``: ``"require"`` refuses a second subsidised meal in the slot
    (:class:`MealRefused`), ``"auto"`` sells it at full price instead, ``"none"`` sells at full price.
    """
    _check_serve(actor, canteen)
    if slot not in MealSlot.values:
        raise ValidationError(_("餐次无效"))
    day = day or timezone.localdate()
    if price is None:
        price, _dishes = menu_price(canteen, day, slot)
    quote = subsidy_for(elder, day)
    amount = quote.for_price(price) if subsidy != "none" else Decimal("0.00")
    with transaction.atomic():
        record = MealRecord(
            elder=elder,
            canteen=canteen,
            date=day,
            slot=slot,
            channel=channel,
            price=price,
            identified_by=identified_by,
            served_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        if amount > 0:
            record.subsidised, record.subsidy, record.elder_paid = True, amount, price - amount
            with records_language():  # the note is saved: in the records' language
                record.subsidy_note = quote.describe()
            try:
                with transaction.atomic():  # the unique constraint decides, even between two counters
                    record.save()
            except IntegrityError:
                if subsidy == "require":
                    already = subsidised_meal(elder, day, slot)
                    params = {"date": f"{day:%Y-%m-%d}", "slot": MealSlot(slot).label}
                    if already:
                        message = _(
                            "该老人%(date)s%(slot)s已在「%(canteen)s」享受补贴，同一餐次不能重复补贴。可按原价售餐。"
                        ) % {**params, "canteen": already.canteen}
                    else:
                        message = (
                            _("该老人%(date)s%(slot)s已享受补贴，同一餐次不能重复补贴。可按原价售餐。")
                            % params
                        )
                    raise MealRefused(message) from None
                record.pk = None
                record.subsidised, record.subsidy, record.elder_paid = False, Decimal("0.00"), price
                # Saved notes stay Chinese; marked so the counter can show them translated.
                record.subsidy_note = gettext_noop("本餐次已补贴，按原价")
                record.save()
        else:
            record.subsidised, record.subsidy, record.elder_paid = False, Decimal("0.00"), price
            with records_language():
                record.subsidy_note = gettext_noop("按原价") if subsidy == "none" else quote.describe()
            record.save()
        audit.record_change(
            actor=actor,
            obj=record,
            action=AuditEntry.Action.CREATE,
            verb="mealrecord.create",
            after=audit.snapshot(record),
        )
    return record


def delivery_order_create(
    *,
    canteen: Canteen,
    elder: Elder,
    slot: str,
    actor: Any,
    day: datetime.date | None = None,
    address: str = "",
    note: str = "",
) -> DeliveryOrder:
    """A meal to be taken home: the meal is recorded now (subsidised if the slot is still free)."""
    _check_serve(actor, canteen)
    with transaction.atomic():
        meal = meal_record_create(
            canteen=canteen, elder=elder, slot=slot, identified_by=IdentifiedBy.DELIVERY, actor=actor,
            day=day, subsidy="auto", channel=Channel.DELIVERY,
        )  # fmt: skip
        order = DeliveryOrder.objects.create(
            canteen=canteen,
            elder=elder,
            meal=meal,
            date=meal.date,
            slot=slot,
            address=address or elder.address or "（未登记地址）",
            note=note,
        )
        audit.record_change(
            actor=actor, obj=order, action=AuditEntry.Action.CREATE, verb="deliveryorder.create",
            after=audit.snapshot(order),
        )  # fmt: skip
    return order


def delivery_order_deliver(*, order: DeliveryOrder, deliverer: str, actor: Any) -> DeliveryOrder:
    """Mark a delivery as handed over; a repeated call changes nothing."""
    _check_serve(actor, order.canteen)
    with transaction.atomic():
        order = DeliveryOrder.objects.select_for_update().get(pk=order.pk)
        if order.status == DeliveryStatus.DELIVERED:
            return order
        if order.status == DeliveryStatus.CANCELLED:
            raise ValidationError(_("送餐单已取消"))
        before = audit.snapshot(order)
        order.status = DeliveryStatus.DELIVERED
        order.deliverer = deliverer.strip()[:50] or "（未填写）"
        order.delivered_at = timezone.now()
        order.save(update_fields=["status", "deliverer", "delivered_at"])
        audit.record_change(
            actor=actor, obj=order, action=AuditEntry.Action.UPDATE, verb="deliveryorder.deliver",
            before=before, after=audit.snapshot(order),
        )  # fmt: skip
    return order


def canteen_membership_add(*, canteen: Canteen, user: Any, actor: Any) -> Membership:
    require(actor, "change", canteen)
    if not user.has_perm("meals.join_canteen"):
        raise ValidationError({"user": _("只能添加角色为“服务商人员”的有效账号")})
    with transaction.atomic():
        membership, created = scoping.grant_membership(user, canteen)
        if created:
            audit.record_change(
                actor=actor, obj=canteen, action=AuditEntry.Action.UPDATE, verb="canteen.member_add",
                message=f"新增工作人员：{user}",
            )  # fmt: skip
    return membership


def canteen_membership_remove(*, canteen: Canteen, membership: Membership, actor: Any) -> None:
    """The account stops seeing and serving at the canteen (its past meal records stay)."""
    require(actor, "change", canteen)
    with transaction.atomic():
        audit.record_change(
            actor=actor, obj=canteen, action=AuditEntry.Action.UPDATE, verb="canteen.member_remove",
            message=f"移除工作人员：{membership.user}",
        )  # fmt: skip
        scoping.revoke_membership(membership)
