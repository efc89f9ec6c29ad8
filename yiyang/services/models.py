"""Home and community services (居家社区养老服务): from a request to a verified, settled visit.

The chain the seeds describe (受理申请、签订协议、派工服务、监督工作, 服务对象签字认证):
a catalogue of service items, providers under service agreements, their points and workers; work
orders taken in from the hotline or the community desk and dispatched to a provider and a worker;
visits checked in and out on the worker's phone with the six EVV elements and the elder's sign-off;
exceptions; ratings and return calls; recurring plans; entitlements and the monthly settlement.

Area-bound records copy the elder's ``area_path`` (no join in the scope filter) and carry the
provider, through which provider staff — who have no area assignment — see their own records.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core import crypto
from yiyang.core.dated import in_force, in_force_q
from yiyang.core.models import TimeStampedModel
from yiyang.core.pagination import LateRowsQuerySet
from yiyang.core.scoping import ScopedManager, Share
from yiyang.people.models import Elder, ElderRecord
from yiyang.services.choices import (
    OPEN_STATUSES,
    EntitlementUnit,
    ExceptionKind,
    ExceptionStatus,
    OrderStatus,
    PaymentMode,
    PointKind,
    ProviderKind,
    RequestSource,
    ServiceCategory,
    ServiceUnit,
    SettlementStatus,
    SignoffBy,
    SignoffMethod,
    Urgency,
    weekdays_text,
)

_PATTERN = ["varchar_pattern_ops"]

#: A provider keeps seeing an elder for this long after their last order closed.
RECENT_DAYS = 90


class ServiceItem(TimeStampedModel):
    """服务项目: one item of the service catalogue (seed 004 lists seventeen), with its price.

    A price change is a new row with a later ``valid_from``; the old row gets a ``valid_to``, so
    orders and settlements of the past keep the price of their day.
    """

    code = models.CharField(_("项目编码"), max_length=20)
    name = models.CharField(_("项目名称"), max_length=50)
    category = models.CharField(_("服务类别"), max_length=16, choices=ServiceCategory.choices)
    unit = models.CharField(_("计量单位"), max_length=8, choices=ServiceUnit.choices)
    price = models.DecimalField(_("指导价（元）"), max_digits=12, decimal_places=2)
    payment_mode = models.CharField(_("付费方式"), max_length=12, choices=PaymentMode.choices)
    min_minutes = models.PositiveSmallIntegerField(
        _("最短服务时长（分钟）"), default=0, help_text=_("短于此时长的上门服务记为异常；0 表示不检查")
    )
    planned_minutes = models.PositiveSmallIntegerField(_("标准服务时长（分钟）"), default=60)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None  # the catalogue is the district's: the permission alone decides

    class Meta:
        verbose_name = _("服务项目")
        verbose_name_plural = pgettext_lazy("plural", "服务项目")
        ordering = ["category", "code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="service_item_code_from"),
            models.CheckConstraint(condition=Q(price__gte=0), name="service_item_price_nonneg"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="service_item_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(name)s（%(category)s）") % {
            "name": self.name,
            "category": self.get_category_display(),
        }

    def get_absolute_url(self) -> str:
        return reverse("services:serviceitem_list")

    def is_valid_on(self, day: datetime.date) -> bool:
        return in_force(self.valid_from, self.valid_to, day)

    @classmethod
    def current(cls, day: datetime.date | None = None) -> models.QuerySet[ServiceItem]:
        return cls.objects.filter(in_force_q(day or timezone.localdate()))


class Provider(TimeStampedModel):
    """服务商 / 服务网点运营方: an organisation delivering home services under agreement."""

    name = models.CharField(_("服务商名称"), max_length=100, unique=True)
    kind = models.CharField(_("机构类型"), max_length=16, choices=ProviderKind.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("注册所在地"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("有效"), default=True)

    objects = ScopedManager()
    # Office staff see every provider; a provider's own staff see their organisation only.
    scope_path = None
    scope_organisation = "pk"

    class Meta:
        verbose_name = _("服务商")
        verbose_name_plural = pgettext_lazy("plural", "服务商")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("services:provider_detail", args=[self.pk])


class ServiceAgreement(TimeStampedModel):
    """服务协议: what a provider may deliver, where, at what agreed price, and for how long."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("服务商"), on_delete=models.CASCADE, related_name="agreements"
    )
    number = models.CharField(_("协议编号"), max_length=40, unique=True)
    areas = models.ManyToManyField(Area, verbose_name=_("服务区域"), related_name="+")
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("到期日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None
    scope_organisation = "provider_id"

    class Meta:
        verbose_name = _("服务协议")
        verbose_name_plural = pgettext_lazy("plural", "服务协议")
        ordering = ["provider__name", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.number} · {self.provider}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return in_force(self.valid_from, self.valid_to, day)


class AgreementItem(models.Model):
    """协议服务项目: an item of an agreement at its agreed price (协议价)."""

    agreement = models.ForeignKey(
        ServiceAgreement, verbose_name=_("服务协议"), on_delete=models.CASCADE, related_name="items"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("服务项目"), on_delete=models.PROTECT, related_name="+"
    )
    price = models.DecimalField(_("协议价（元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("协议服务项目")
        verbose_name_plural = pgettext_lazy("plural", "协议服务项目")
        constraints = [models.UniqueConstraint(fields=["agreement", "item"], name="unique_agreement_item")]

    def __str__(self) -> str:
        return f"{self.item.name} ¥{self.price}"


class ServicePoint(TimeStampedModel):
    """服务网点 / 服务站: a place where services are delivered or dispatched from."""

    provider = models.ForeignKey(
        Provider,
        verbose_name=_("服务商"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="points",
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=PointKind.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.FloatField(_("纬度"))
    longitude = models.FloatField(_("经度"))
    area = models.ForeignKey(Area, verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "provider_id"

    class Meta:
        verbose_name = _("服务网点")
        verbose_name_plural = pgettext_lazy("plural", "服务网点")
        ordering = ["area_path", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Worker(TimeStampedModel):
    """助老员 / 护理员: a person a provider sends to elders' homes.

    The home base is where dispatch measures distance from; the worker's position is never tracked.
    """

    provider = models.ForeignKey(
        Provider, verbose_name=_("服务商"), on_delete=models.CASCADE, related_name="workers"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_worker",
    )
    # The person in the care workforce registry (养老服务人才台账): ID number, certificates, training,
    # post subsidies. Every worker has one (a data migration made them; workforce makes one for a
    # worker added here); this row keeps what dispatch reads on every suggestion.
    care_worker = models.OneToOneField(
        "workforce.CareWorker",
        verbose_name=_("人才台账"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_worker",
        editable=False,
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone_enc = models.TextField(_("手机号（密文）"), blank=True)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True)
    base_latitude = models.FloatField(_("常驻点纬度"))
    base_longitude = models.FloatField(_("常驻点经度"))
    capacity_per_day = models.PositiveSmallIntegerField(_("每日可接单数"), default=6)
    is_active = models.BooleanField(_("在岗"), default=True)

    audit_masked_fields = {"phone_enc": "phone_masked"}
    audit_exclude = ("phone_masked",)

    objects = ScopedManager()
    scope_path = None
    scope_organisation = "provider_id"

    class Meta:
        verbose_name = _("助老员")
        verbose_name_plural = pgettext_lazy("plural", "助老员")
        ordering = ["provider__name", "name"]
        indexes = [models.Index(fields=["base_latitude", "base_longitude"], name="worker_base_idx")]

    def __str__(self) -> str:
        return self.name

    def set_phone(self, phone: str) -> None:
        self.phone_enc = crypto.encrypt(phone) if phone else ""
        self.phone_masked = crypto.mask_phone(phone) if phone else ""


class WorkerQualification(models.Model):
    """从业资质: a certificate qualifying a worker for a service category, until its expiry."""

    worker = models.ForeignKey(
        Worker, verbose_name=_("助老员"), on_delete=models.CASCADE, related_name="qualifications"
    )
    category = models.CharField(_("服务类别"), max_length=16, choices=ServiceCategory.choices)
    certificate = models.CharField(_("证书名称"), max_length=100, blank=True)
    valid_to = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("从业资质")
        verbose_name_plural = pgettext_lazy("plural", "从业资质")
        indexes = [models.Index(fields=["category", "worker"], name="qualification_cat_idx")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.certificate}"


class ResponseRule(models.Model):
    """响应时限: how soon an order of a given urgency must be accepted and staffed (rules as data)."""

    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices)
    minutes = models.PositiveIntegerField(_("响应时限（分钟）"))
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("响应时限")
        verbose_name_plural = pgettext_lazy("plural", "响应时限")
        ordering = ["urgency", "-valid_from"]

    def __str__(self) -> str:
        return gettext("%(urgency)s %(minutes)s 分钟") % {
            "urgency": self.get_urgency_display(),
            "minutes": self.minutes,
        }


class ProviderScoped(TimeStampedModel):
    """Rows bound to an elder's area and handled by a provider (shared by orders, visits …).

    Visible along both axes: in the elder's area, and to the members of the provider (服务商人员).
    """

    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)

    # A list may read its page's keys first, then only those rows with their relations (late_rows).
    objects = ScopedManager.from_queryset(LateRowsQuerySet)()
    scope_path = "area_path"
    scope_organisation = "provider_id"

    class Meta:
        abstract = True

    @property
    def audit_area_path(self) -> str:
        return self.area_path


class RecurringPlan(ProviderScoped):
    """服务计划: a standing arrangement such as "助洁 every Tuesday morning" that generates orders."""

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="service_plans"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("服务项目"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("服务商"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
    )
    worker = models.ForeignKey(
        Worker,
        verbose_name=_("固定助老员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plans",
    )
    weekdays = models.CharField(_("服务日"), max_length=20, help_text=_("ISO 星期，逗号分隔：2 = 周二"))
    start_time = models.TimeField(_("开始时间"))
    minutes = models.PositiveSmallIntegerField(_("时长（分钟）"), default=60)
    valid_from = models.DateField(_("开始日期"))
    valid_to = models.DateField(_("结束日期"), null=True, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("服务计划")
        verbose_name_plural = pgettext_lazy("plural", "服务计划")
        ordering = ["area_path", "elder_id"]

    def __str__(self) -> str:
        return gettext("%(elder)s · %(item)s · 每周%(days)s %(time)s") % {
            "elder": self.elder.name,
            "item": self.item.name,
            "days": weekdays_text(self.weekday_list()),
            "time": f"{self.start_time:%H:%M}",
        }

    def weekday_list(self) -> list[int]:
        return sorted({int(d) for d in self.weekdays.replace("，", ",").split(",") if d.strip()})

    @property
    def audit_subject_id(self) -> int:
        return self.elder_id

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.elder.area_path
        super().save(*args, **kwargs)  # type: ignore[arg-type]


def open_or_recent() -> Q:
    """An order a provider still deals with: open, or closed within the last 90 days (return calls,
    disputes), during which its staff keep seeing the elder."""
    since = timezone.now() - datetime.timedelta(days=RECENT_DAYS)
    return Q(status__in=OPEN_STATUSES) | Q(updated_at__gte=since)


class WorkOrder(ProviderScoped):
    """服务工单: one service request for one elder and one item, from intake to verification."""

    scope_shares = (Share("elder", active=open_or_recent),)

    number = models.CharField(_("工单号"), max_length=24, unique=True)
    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="work_orders"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("服务项目"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=8, choices=RequestSource.choices)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    caller = models.CharField(_("来电/申请人"), max_length=50, blank=True)
    description = models.CharField(_("需求描述"), max_length=500, blank=True)
    scheduled_start = models.DateTimeField(_("预约开始"))
    scheduled_end = models.DateTimeField(_("预约结束"))
    status = models.CharField(_("状态"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.NEW)
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("服务商"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    worker = models.ForeignKey(
        Worker,
        verbose_name=_("助老员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="work_orders",
    )
    response_due = models.DateTimeField(_("响应时限"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("派单时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("派人时间"), null=True, blank=True)
    reject_reason = models.CharField(_("拒单原因"), max_length=200, blank=True)
    plan = models.ForeignKey(
        RecurringPlan,
        verbose_name=_("服务计划"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    # The local day of ``scheduled_start``: a worker's daily load and a plan's one-order-per-day rule.
    plan_date = models.DateField(_("服务日期"), db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("受理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("服务工单")
        verbose_name_plural = pgettext_lazy("plural", "服务工单")
        ordering = ["-scheduled_start", "-id"]
        indexes = [
            models.Index(fields=["-scheduled_start", "-id"], name="workorder_list_order_idx"),
            models.Index(fields=["area_path"], opclasses=_PATTERN, name="workorder_area_idx"),
            models.Index(fields=["provider", "status"], name="workorder_provider_idx"),
            models.Index(fields=["worker", "plan_date"], name="workorder_worker_idx"),
            models.Index(fields=["elder", "item", "status"], name="workorder_elder_item_idx"),
            models.Index(fields=["status", "response_due"], name="workorder_due_idx"),
        ]
        constraints = [
            # A plan generates one order per date, however often the job runs.
            models.UniqueConstraint(fields=["plan", "plan_date"], name="workorder_plan_date_once"),
            models.CheckConstraint(
                condition=Q(scheduled_end__gte=models.F("scheduled_start")), name="workorder_schedule_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item.name}"

    def get_absolute_url(self) -> str:
        return reverse("services:workorder_detail", args=[self.pk])

    @property
    def audit_subject_id(self) -> int:
        return self.elder_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.response_due
            and self.status in (OrderStatus.NEW, OrderStatus.DISPATCHED, OrderStatus.ACCEPTED)
            and self.response_due < timezone.now()
        )

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.elder.area_path
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Visit(ProviderScoped):
    """上门服务记录: the visit that fulfils a work order, with the six EVV data elements.

    Service type (``item``), recipient (``elder``), date and start/end (``checkin_at``/``checkout_at``),
    location (the positions taken at check-in and check-out only) and worker. One visit per order: a
    repeated check-in or check-out finds the existing row instead of creating another.
    """

    work_order = models.OneToOneField(
        WorkOrder, verbose_name=_("服务工单"), on_delete=models.PROTECT, related_name="visit"
    )
    elder = models.ForeignKey(
        Elder, verbose_name=_("服务对象"), on_delete=models.PROTECT, related_name="service_visits"
    )
    item = models.ForeignKey(
        ServiceItem, verbose_name=_("服务项目"), on_delete=models.PROTECT, related_name="+"
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("服务商"), on_delete=models.PROTECT, related_name="visits"
    )
    worker = models.ForeignKey(
        Worker, verbose_name=_("助老员"), on_delete=models.PROTECT, related_name="visits"
    )
    service_date = models.DateField(_("服务日期"))
    checkin_at = models.DateTimeField(_("签到时间"))
    checkin_latitude = models.FloatField(_("签到纬度"), null=True, blank=True)
    checkin_longitude = models.FloatField(_("签到经度"), null=True, blank=True)
    checkin_accuracy = models.FloatField(_("签到定位精度（米）"), null=True, blank=True)
    checkin_distance = models.FloatField(_("签到距住址（米）"), null=True, blank=True)
    checkout_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    checkout_latitude = models.FloatField(_("签退纬度"), null=True, blank=True)
    checkout_longitude = models.FloatField(_("签退经度"), null=True, blank=True)
    checkout_distance = models.FloatField(_("签退距住址（米）"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("服务时长（分钟）"), null=True, blank=True)
    signoff_method = models.CharField(_("签字方式"), max_length=12, choices=SignoffMethod.choices, blank=True)
    signoff_by = models.CharField(_("签字人"), max_length=8, choices=SignoffBy.choices, blank=True)
    signoff_name = models.CharField(_("签字人姓名"), max_length=50, blank=True)
    signature = models.FileField(_("签名"), upload_to="services/signatures/%Y/%m/", blank=True)
    # Kept encrypted, not hashed: the hotline reads it out to the elder, who tells the worker.
    signoff_code_enc = models.TextField(_("验证码（密文）"), blank=True)
    signoff_code_expires = models.DateTimeField(_("验证码有效期"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签字时间"), null=True, blank=True)
    verified = models.BooleanField(_("已核验"), default=False, db_index=True)
    note = models.CharField(_("服务记录"), max_length=500, blank=True)

    audit_exclude = ("signoff_code_enc",)
    audit_masked_fields = {"signature": "signature_name"}

    class Meta:
        verbose_name = _("上门服务记录")
        verbose_name_plural = pgettext_lazy("plural", "上门服务记录")
        ordering = ["-checkin_at"]
        indexes = [
            models.Index(fields=["area_path"], opclasses=_PATTERN, name="visit_area_idx"),
            models.Index(fields=["provider", "service_date"], name="visit_provider_date_idx"),
            models.Index(fields=["worker", "checkin_at"], name="visit_worker_time_idx"),
            models.Index(fields=["elder", "service_date"], name="visit_elder_date_idx"),
            # Settlement's eligibility filter (verified, in the month): once the table holds years
            # of visits, one month is a small range of this index instead of a scan of them all.
            models.Index(fields=["service_date"], condition=Q(verified=True), name="visit_verified_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.service_date:%Y-%m-%d} {self.item.name} · {self.elder.name}"

    def get_absolute_url(self) -> str:
        return reverse("services:workorder_detail", args=[self.work_order_id])

    @property
    def audit_subject_id(self) -> int:
        return self.elder_id

    @property
    def signature_name(self) -> str:
        return self.signature.name or ""


class VisitPhoto(models.Model):
    """服务照片: an optional photo of a visit, fingerprinted so the same picture cannot serve twice."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("服务记录"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("照片"), upload_to="services/photos/%Y/%m/")
    sha256 = models.CharField(_("指纹"), max_length=64, db_index=True)
    taken_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("服务照片")
        verbose_name_plural = pgettext_lazy("plural", "服务照片")
        constraints = [models.UniqueConstraint(fields=["visit", "sha256"], name="unique_visit_photo")]

    def __str__(self) -> str:
        return f"{self.visit_id} {self.sha256[:8]}"


class ServiceException(ProviderScoped):
    """服务异常: late, missed, outside the radius, too short, overlapping, reused photo.

    Recorded, never dropped; each is resolved with a reason. One row per order and kind.
    """

    work_order = models.ForeignKey(
        WorkOrder, verbose_name=_("服务工单"), on_delete=models.CASCADE, related_name="exceptions"
    )
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("服务记录"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="exceptions",
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("服务商"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("异常类型"), max_length=16, choices=ExceptionKind.choices)
    detail = models.CharField(_("情况"), max_length=300, blank=True)
    status = models.CharField(
        _("处理状态"), max_length=10, choices=ExceptionStatus.choices, default=ExceptionStatus.OPEN
    )
    resolution = models.CharField(_("处理说明"), max_length=300, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("服务异常")
        verbose_name_plural = pgettext_lazy("plural", "服务异常")
        ordering = ["status", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["work_order", "kind"], name="unique_exception_kind")]
        indexes = [models.Index(fields=["area_path"], opclasses=_PATTERN, name="exception_area_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.work_order.number}"

    def get_absolute_url(self) -> str:
        return reverse("services:workorder_detail", args=[self.work_order_id])

    @property
    def audit_subject_id(self) -> int:
        return self.work_order.elder_id


class VisitRating(ProviderScoped):
    """服务评价: the elder's or family's 1–5 rating and comment on a visit."""

    visit = models.OneToOneField(
        Visit, verbose_name=_("服务记录"), on_delete=models.CASCADE, related_name="rating"
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("服务商"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField(_("评分"))
    comment = models.CharField(_("评价"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("服务评价")
        verbose_name_plural = pgettext_lazy("plural", "服务评价")
        constraints = [models.CheckConstraint(condition=Q(score__gte=1, score__lte=5), name="rating_1_to_5")]

    def __str__(self) -> str:
        return gettext("%(score)s 星") % {"score": self.score}

    @property
    def audit_subject_id(self) -> int:
        return self.visit.elder_id


class ReturnCall(ProviderScoped):
    """回访: a call back to the elder after a sampled share of verified visits."""

    visit = models.OneToOneField(
        Visit, verbose_name=_("服务记录"), on_delete=models.CASCADE, related_name="return_call"
    )
    provider = models.ForeignKey(
        Provider, verbose_name=_("服务商"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("应回访日期"))
    called_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    reached = models.BooleanField(_("已联系上"), default=False)
    satisfied = models.BooleanField(_("满意"), null=True, blank=True)
    complaint = models.BooleanField(_("有投诉"), default=False)
    note = models.CharField(_("回访记录"), max_length=300, blank=True)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("回访人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = pgettext_lazy("plural", "回访")
        ordering = ["called_at", "due_date"]

    def __str__(self) -> str:
        return gettext("回访 %(visit)s") % {"visit": self.visit}

    @property
    def audit_subject_id(self) -> int:
        return self.visit.elder_id


class Entitlement(ElderRecord, TimeStampedModel):
    """服务额度: an elder's monthly entitlement under a government-purchased programme.

    Consumed by verified visits only. ``copay_rate`` is the elder's own share of each priced visit
    inside the entitlement (0 for 特困); beyond the monthly quota the elder pays in full.
    """

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="entitlements"
    )
    programme = models.CharField(_("项目名称"), max_length=50, default="政府购买居家养老服务")
    unit = models.CharField(_("额度单位"), max_length=8, choices=EntitlementUnit.choices)
    monthly_quota = models.DecimalField(_("每月额度"), max_digits=10, decimal_places=2)
    copay_rate = models.DecimalField(
        _("个人自付比例"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0"),
        help_text=_("0.1 表示自付 10%"),
    )
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("终止日期"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = "elder__area_path"

    class Meta:
        verbose_name = _("服务额度")
        verbose_name_plural = pgettext_lazy("plural", "服务额度")
        ordering = ["elder_id", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(copay_rate__gte=0, copay_rate__lte=1), name="entitlement_copay_0_1"
            ),
            models.CheckConstraint(condition=Q(monthly_quota__gte=0), name="entitlement_quota_nonneg"),
        ]

    def __str__(self) -> str:
        unit = pgettext("quantity", "小时") if self.unit == "hours" else gettext("元")
        return gettext("%(elder)s · %(programme)s %(quota)s%(unit)s/月") % {
            "elder": self.elder.name,
            "programme": self.programme,
            "quota": self.monthly_quota,
            "unit": unit,
        }


class Settlement(ProviderScoped):
    """服务结算单: one provider's verified visits in one street for one month.

    Generated set-based; reviewed by the street (街道审核), approved by the district (区级审批).
    ``area_path`` is the street's path, so street staff see their own settlements.
    """

    provider = models.ForeignKey(
        Provider, verbose_name=_("服务商"), on_delete=models.PROTECT, related_name="settlements"
    )
    street = models.ForeignKey(Area, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    month = models.DateField(_("结算月份"), help_text=_("月份第一天"))
    status = models.CharField(
        _("状态"), max_length=10, choices=SettlementStatus.choices, default=SettlementStatus.DRAFT
    )
    visit_count = models.PositiveIntegerField(_("服务人次"), default=0)
    gross_amount = models.DecimalField(
        _("服务总额（元）"), default=Decimal("0"), max_digits=12, decimal_places=2
    )
    elder_share = models.DecimalField(
        _("个人自付（元）"), default=Decimal("0"), max_digits=12, decimal_places=2
    )
    payable = models.DecimalField(_("应结算（元）"), default=Decimal("0"), max_digits=12, decimal_places=2)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    note = models.CharField(_("审核意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("服务结算单")
        verbose_name_plural = pgettext_lazy("plural", "服务结算单")
        ordering = ["-month", "provider__name"]
        permissions = [("review_settlement", "街道审核结算单"), ("approve_settlement", "区级审批结算单")]
        constraints = [
            models.UniqueConstraint(fields=["provider", "street", "month"], name="unique_settlement_month")
        ]

    def __str__(self) -> str:
        return f"{self.provider} · {self.street.name} · {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("services:settlement_detail", args=[self.pk])


class SettlementLine(models.Model):
    """结算明细: one verified visit in a settlement. The unique visit makes "settled once" a DB rule."""

    # Neither key below is a database foreign key: at a million lines a month their per-line checks
    # (run at commit) took about half of settlement_generate's time. Lines are written only by
    # settlement_generate/add_visits, which take both ids in the same statement from the visit and
    # settlement tables (settlements held locked); deletions go through the ORM, whose CASCADE
    # (settlement) and PROTECT (visit) still apply. The visit's UNIQUE index stays: that is what
    # makes "a visit is settled once" a database rule.
    settlement = models.ForeignKey(
        Settlement,
        verbose_name=_("结算单"),
        on_delete=models.CASCADE,
        related_name="lines",
        db_constraint=False,
    )
    visit = models.OneToOneField(
        Visit,
        verbose_name=_("服务记录"),
        on_delete=models.PROTECT,
        related_name="settlement_line",
        db_constraint=False,
    )
    # Copies of the visit's elder and item for reporting: the visit's own keys guard them, so the
    # database skips two foreign-key checks per line (a million lines a month), and nothing looks
    # lines up by them (pages go through the settlement or the visit), so they carry no index either:
    # two fewer index insertions per line.
    elder = models.ForeignKey(
        Elder,
        verbose_name=_("服务对象"),
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    item = models.ForeignKey(
        ServiceItem,
        verbose_name=_("服务项目"),
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    quantity = models.DecimalField(_("数量"), max_digits=8, decimal_places=2)
    unit_price = models.DecimalField(_("协议价（元）"), max_digits=12, decimal_places=2)
    gross = models.DecimalField(_("金额（元）"), max_digits=12, decimal_places=2)
    elder_share = models.DecimalField(_("个人自付（元）"), max_digits=12, decimal_places=2)
    payable = models.DecimalField(_("应结算（元）"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("结算明细")
        verbose_name_plural = pgettext_lazy("plural", "结算明细")
        ordering = ["settlement_id", "id"]

    def __str__(self) -> str:
        return f"{self.visit_id} ¥{self.payable}"
