"""Meal assistance (助餐): canteens, menus, subsidy rules, meal records and delivery orders."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core.i18n import stored
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.meals.choices import CanteenKind, Channel, DeliveryStatus, IdentifiedBy, MealSlot
from yiyang.people.choices import EconomicCategory
from yiyang.people.models import Elder, ElderRecord


class Canteen(TimeStampedModel):
    """助餐点: a 长者食堂 (elder canteen), a 助餐点 (meal point) or a 送餐点 (delivery point).

    ``area_path`` copies the community's path so the scope filter needs no join. The operator is the
    organisation that runs it (a catering provider, the community, a social organisation).
    """

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(
        _("类型"), max_length=16, choices=CanteenKind.choices, default=CanteenKind.CANTEEN
    )
    area = models.ForeignKey(Area, verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False, db_index=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    operator = models.CharField(_("运营方"), max_length=100, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    seats = models.PositiveIntegerField(_("座位数"), null=True, blank=True)
    is_active = models.BooleanField(_("运营中"), default=True)

    objects = ScopedManager()
    scope_path = "area_path"
    # Its counter staff (服务商人员 with a membership) see it wherever it is.
    scope_organisation = "pk"

    class Meta:
        verbose_name = _("助餐点")
        verbose_name_plural = _("助餐点")
        ordering = ["area_path", "name"]
        permissions = [
            ("serve_canteen", "助餐窗口核验与记录"),
            ("export_canteen", "导出助餐对账"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meals:canteen_detail", args=[self.pk])


class Menu(models.Model):
    """菜单: what a canteen serves in one meal slot of one day, and the price."""

    canteen = models.ForeignKey(
        Canteen, verbose_name=_("助餐点"), on_delete=models.CASCADE, related_name="menus"
    )
    date = models.DateField(_("日期"))
    slot = models.CharField(_("餐次"), max_length=10, choices=MealSlot.choices)
    dishes = models.CharField(_("菜品"), max_length=300)
    price = models.DecimalField(_("价格（元）"), max_digits=8, decimal_places=2)

    objects = ScopedManager()
    scope_path = "canteen__area_path"
    scope_organisation = "canteen_id"

    class Meta:
        verbose_name = _("菜单")
        verbose_name_plural = _("菜单")
        ordering = ["-date", "canteen", "slot"]
        constraints = [models.UniqueConstraint(fields=["canteen", "date", "slot"], name="unique_menu_slot")]

    def __str__(self) -> str:
        # The name the audit trail saves (object_repr): in the records' language, like the other names.
        return f"{self.canteen} {self.date:%Y-%m-%d} {stored(MealSlot(self.slot).label)}"

    @property
    def audit_area_path(self) -> str:
        return self.canteen.area_path


class SubsidyRule(models.Model):
    """助餐补贴标准: a per-meal subsidy, as data with effective dates.

    A *base* rule applies by age tier (60–79: 2 元, 80+: 4 元); a *supplement* rule applies by economic
    category (低保/特困: +3 元). An elder gets the best matching base plus the best matching supplement,
    never more than the meal's price.
    """

    class Part(models.TextChoices):
        BASE = "base", _("按年龄")
        SUPPLEMENT = "supplement", _("按类别加补")

    name = models.CharField(_("名称"), max_length=100)
    part = models.CharField(_("类型"), max_length=12, choices=Part.choices, default=Part.BASE)
    min_age = models.PositiveSmallIntegerField(_("最低年龄"), default=60)
    max_age = models.PositiveSmallIntegerField(
        _("最高年龄"), null=True, blank=True, help_text=_("含；空 = 不限")
    )
    category = models.CharField(
        _("经济类别"),
        max_length=16,
        choices=EconomicCategory.choices,
        blank=True,
        help_text=_("空 = 不限类别"),
    )
    amount = models.DecimalField(_("每餐补贴（元）"), max_digits=8, decimal_places=2)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None  # the district's rules: the permission alone decides

    class Meta:
        verbose_name = _("助餐补贴标准")
        verbose_name_plural = _("助餐补贴标准")
        ordering = ["part", "min_age", "category", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="subsidy_rule_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="subsidy_rule_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.amount} 元"


class MealCard(ElderRecord, models.Model):
    """助餐卡 (老年卡): a card number that identifies an elder at the counter."""

    card_no = models.CharField(_("卡号"), max_length=32, unique=True)
    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="meal_cards"
    )
    issued_on = models.DateField(_("发卡日期"), default=timezone.localdate)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = ScopedManager()
    scope_path = "elder__area_path"

    class Meta:
        verbose_name = _("助餐卡")
        verbose_name_plural = _("助餐卡")

    def __str__(self) -> str:
        return self.card_no


class MealRecord(models.Model):
    """助餐记录: one meal served to one elder, with the subsidy and the elder's payment.

    At most one *subsidised* meal per elder, day and slot across all canteens — a partial unique
    constraint, so two counters serving at the same second cannot both subsidise. A second meal can
    still be sold at full price.
    """

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="meal_records"
    )
    canteen = models.ForeignKey(
        Canteen, verbose_name=_("助餐点"), on_delete=models.PROTECT, related_name="records"
    )
    date = models.DateField(_("日期"))
    slot = models.CharField(_("餐次"), max_length=10, choices=MealSlot.choices)
    channel = models.CharField(_("方式"), max_length=10, choices=Channel.choices, default=Channel.DINE_IN)
    price = models.DecimalField(_("餐价（元）"), max_digits=8, decimal_places=2)
    subsidised = models.BooleanField(_("享受补贴"), default=False)
    subsidy = models.DecimalField(_("补贴（元）"), default=Decimal("0.00"), max_digits=8, decimal_places=2)
    elder_paid = models.DecimalField(_("个人支付（元）"), max_digits=8, decimal_places=2)
    subsidy_note = models.CharField(_("补贴依据"), max_length=200, blank=True)
    identified_by = models.CharField(_("核验方式"), max_length=12, choices=IdentifiedBy.choices)
    served_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = ScopedManager()
    scope_path = "canteen__area_path"
    scope_organisation = "canteen_id"

    class Meta:
        verbose_name = _("助餐记录")
        verbose_name_plural = _("助餐记录")
        ordering = ["-date", "-served_at"]
        permissions = [("export_mealrecord", "导出助餐记录")]
        constraints = [
            models.UniqueConstraint(
                fields=["elder", "date", "slot"],
                condition=Q(subsidised=True),
                name="one_subsidised_meal_per_slot",
            ),
            models.CheckConstraint(
                condition=Q(subsidised=True) | Q(subsidy=0), name="meal_subsidy_only_when_subsidised"
            ),
        ]
        indexes = [
            models.Index(fields=["canteen", "date"], name="meal_canteen_date_idx"),
            models.Index(fields=["elder", "date"], name="meal_elder_date_idx"),
        ]

    def __str__(self) -> str:
        # Saved by the audit trail: in the records' language.
        return f"{self.date:%Y-%m-%d} {stored(MealSlot(self.slot).label)} · {self.canteen}"

    @property
    def audit_area_path(self) -> str:
        return self.canteen.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.elder_id


class DeliveryOrder(models.Model):
    """送餐单: a meal taken to the home of an elder who cannot come to the canteen."""

    canteen = models.ForeignKey(
        Canteen, verbose_name=_("助餐点"), on_delete=models.PROTECT, related_name="deliveries"
    )
    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="meal_deliveries"
    )
    meal = models.OneToOneField(
        MealRecord,
        verbose_name=_("助餐记录"),
        on_delete=models.PROTECT,
        related_name="delivery",
        null=True,
        blank=True,
    )
    date = models.DateField(_("日期"))
    slot = models.CharField(_("餐次"), max_length=10, choices=MealSlot.choices)
    address = models.CharField(_("送餐地址"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    deliverer = models.CharField(_("送餐员"), max_length=50, blank=True)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("下单时间"), default=timezone.now)

    objects = ScopedManager()
    scope_path = "canteen__area_path"
    scope_organisation = "canteen_id"

    class Meta:
        verbose_name = _("送餐单")
        verbose_name_plural = _("送餐单")
        ordering = ["-date", "status", "-created_at"]
        indexes = [models.Index(fields=["canteen", "date"], name="delivery_canteen_date_idx")]

    def __str__(self) -> str:
        # Saved by the audit trail: in the records' language.
        return f"送餐 {self.date:%Y-%m-%d} {stored(MealSlot(self.slot).label)} · {self.canteen}"

    @property
    def audit_area_path(self) -> str:
        return self.canteen.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.elder_id
