"""Allowances and subsidies (津贴补贴): programmes as dated rules, the monthly payment roll, life
events that stop payment, the recovery ledger, annual qualification checks and budgets.

Rules are data: a programme's rates are :class:`RateRule` rows with effective dates, and changing a
rate closes one row and opens another, so months already computed keep their amounts. A roll is
computed set-based in SQL (``yiyang.benefits.rolls``) and freezes the facts it used on each line.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.benefits.choices import (
    AdjustmentKind,
    ChangeType,
    CheckChannel,
    LifeEventKind,
    MatchStatus,
    ProgrammeKind,
    RecoveryStatus,
    RollStatus,
    StartRule,
    SupportMode,
    SuspensionReason,
)
from yiyang.benefits.dates import month_display
from yiyang.core import crypto
from yiyang.core.indexes import BlockRangeIndex
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.people.models import Elder, ElderRecord

_PATTERN = ["varchar_pattern_ops"]


def month_label(day: datetime.date) -> str:
    return month_display(day)


class Programme(models.Model):
    """津贴补贴项目: 高龄津贴 / 尊老金, 养老服务补贴, 护理补贴 — what is paid, to whom, from when.

    Not area-bound: the district's rules apply to every street. ``start_rule`` says whether payment
    starts in the month the condition is met (e.g. the 80th birthday) or the month after; payment
    always stops the month after death or moving away (鹿泉/深圳 rules, domain-standards §4.3).
    """

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("类型"), max_length=16, choices=ProgrammeKind.choices)
    start_rule = models.CharField(
        _("起发规则"), max_length=16, choices=StartRule.choices, default=StartRule.SAME_MONTH
    )
    requires_local_hukou = models.BooleanField(_("须本区户籍"), default=True)
    requires_qualification_check = models.BooleanField(_("须年度资格认证"), default=True)
    support_mode = models.CharField(
        _("供养方式"),
        max_length=12,
        choices=SupportMode.choices,
        blank=True,
        default=SupportMode.ANY,
        help_text=_("特困供养金：分散供养金只付不在集中供养中的月份，集中供养金只付集中供养的月份"),
    )
    active = models.BooleanField(_("启用"), default=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None  # the district's rules: the permission alone decides

    class Meta:
        verbose_name = _("补贴项目")
        verbose_name_plural = pgettext_lazy("plural", "补贴项目")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class RateRule(models.Model):
    """发放标准: the monthly amount for an age tier, an economic category or a capability level,
    in force from ``valid_from`` to ``valid_to`` (inclusive; empty = open)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="rates"
    )
    age_from = models.PositiveSmallIntegerField(_("起始年龄"), null=True, blank=True)
    age_to = models.PositiveSmallIntegerField(
        _("截止年龄"), null=True, blank=True, help_text=_("含；空 = 不设上限")
    )
    category = models.CharField(_("经济类别"), max_length=16, blank=True)
    level = models.PositiveSmallIntegerField(_("能力等级"), null=True, blank=True)
    amount = models.DecimalField(_("金额（元/月）"), max_digits=12, decimal_places=2)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("依据/说明"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None

    class Meta:
        verbose_name = _("发放标准")
        verbose_name_plural = pgettext_lazy("plural", "发放标准")
        ordering = ["programme", "age_from", "category", "level", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="raterule_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="raterule_amount_nonneg"),
        ]

    def __str__(self) -> str:
        return gettext("%(programme)s %(basis)s %(amount)s元/月（%(start)s起）") % {
            "programme": self.programme,
            "basis": self.basis_label,
            "amount": self.amount,
            "start": f"{self.valid_from:%Y-%m-%d}",
        }

    @property
    def basis_label(self) -> str:
        if self.age_from is not None:
            if self.age_to is None:
                return gettext("%(age)s周岁以上") % {"age": self.age_from}
            return gettext("%(age_from)s–%(age_to)s周岁") % {"age_from": self.age_from, "age_to": self.age_to}
        if self.category:
            from yiyang.people.choices import EconomicCategory

            return (
                str(EconomicCategory(self.category).label)
                if self.category in EconomicCategory.values
                else self.category
            )
        if self.level is not None:
            return gettext("能力等级%(level)s级") % {"level": self.level}
        return ""

    def same_basis(self) -> Q:
        return Q(
            programme=self.programme_id,
            age_from=self.age_from,
            age_to=self.age_to,
            category=self.category,
            level=self.level,
        )


class ElderBankAccount(ElderRecord, TimeStampedModel):
    """代发账户 (社保卡/惠民惠农一卡通): where an elder's allowance is paid.

    The account number is stored encrypted with a keyed hash and a masked form; it appears in clear
    only inside the bank payment file, whose every export is logged.
    """

    elder = models.OneToOneField(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="bank_account"
    )
    bank_name = models.CharField(_("开户银行"), max_length=50)
    holder_name = models.CharField(_("户名"), max_length=50)
    account_enc = models.TextField(_("账号（密文）"))
    account_hash = models.CharField(_("账号摘要"), max_length=32, db_index=True)
    account_masked = models.CharField(_("账号"), max_length=40)

    objects = ScopedManager()
    scope_path = "elder__area_path"
    audit_masked_fields = {"account_enc": "account_masked"}
    audit_exclude = ("account_hash", "account_masked")

    class Meta:
        verbose_name = _("代发账户")
        verbose_name_plural = pgettext_lazy("plural", "代发账户")

    def __str__(self) -> str:
        return f"{self.bank_name} {self.account_masked}"

    def set_account(self, number: str) -> None:
        number = number.replace(" ", "")
        protected = crypto.protect(number, mask_account(number))
        self.account_enc, self.account_hash, self.account_masked = (
            protected.ciphertext,
            protected.digest,
            protected.masked,
        )

    @property
    def account_number(self) -> str:
        return crypto.decrypt(self.account_enc)


def mask_account(number: str) -> str:
    """6222 **** **** 1234: keep the bank prefix and the last four digits."""
    if len(number) <= 8:
        return "*" * len(number)
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


class QualificationCheck(ElderRecord, TimeStampedModel):
    """资格认证 / 生存认证: the yearly confirmation that a recipient is alive and still qualifies."""

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="qualification_checks"
    )
    certified_on = models.DateField(_("认证日期"))
    channel = models.CharField(_("认证方式"), max_length=8, choices=CheckChannel.choices)
    valid_to = models.DateField(_("有效期至"))
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "elder__area_path"

    class Meta:
        verbose_name = _("资格认证")
        verbose_name_plural = pgettext_lazy("plural", "资格认证")
        ordering = ["-certified_on", "-id"]
        indexes = [models.Index(fields=["elder", "valid_to"], name="qualcheck_elder_valid_idx")]

    def __str__(self) -> str:
        return gettext("%(channel)s %(date)s（有效期至 %(until)s）") % {
            "channel": self.get_channel_display(),
            "date": f"{self.certified_on:%Y-%m-%d}",
            "until": f"{self.valid_to:%Y-%m-%d}",
        }


class Suspension(ElderRecord, TimeStampedModel):
    """暂停发放: from ``from_month`` until ``resumed_month`` (exclusive), for one programme or all.

    A suspension for a lapsed qualification check pays the missed months back (补发) once the
    elder is certified again; a manual suspension says whether it does.
    """

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="benefit_suspensions"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("项目"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("空 = 全部项目"),
    )
    reason = models.CharField(_("原因"), max_length=16, choices=SuspensionReason.choices)
    from_month = models.DateField(_("暂停起始月"))
    resumed_month = models.DateField(_("恢复发放月"), null=True, blank=True)
    pays_arrears = models.BooleanField(_("恢复后补发"), default=True)
    notice = models.TextField(_("告知书"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = ScopedManager()
    scope_path = "elder__area_path"

    class Meta:
        verbose_name = _("暂停发放")
        verbose_name_plural = pgettext_lazy("plural", "暂停发放")
        ordering = ["-from_month", "-id"]
        indexes = [models.Index(fields=["elder", "from_month"], name="suspension_elder_idx")]

    def __str__(self) -> str:
        until = (
            gettext("至%(month)s恢复") % {"month": month_label(self.resumed_month)}
            if self.resumed_month
            else gettext("暂停中")
        )
        return gettext("%(reason)s：%(month)s起，%(until)s") % {
            "reason": self.get_reason_display(),
            "month": month_label(self.from_month),
            "until": until,
        }

    @property
    def is_open(self) -> bool:
        return self.resumed_month is None


class PaymentRoll(TimeStampedModel):
    """发放花名册: one programme, one area (street or district), one month.

    Reviewed by each street it covers, then approved by the district, then published (公示).
    Once approved it never changes; a correction is an adjustment line in a later roll.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="rolls"
    )
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    month = models.DateField(_("发放月份"), help_text=_("该月1日"))
    status = models.CharField(_("状态"), max_length=16, choices=RollStatus.choices, default=RollStatus.DRAFT)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    generation_seconds = models.FloatField(_("生成耗时（秒）"), default=0)
    rechecked_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    recheck_summary = models.CharField(_("复核结果"), max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    line_count = models.IntegerField(_("发放人数"), default=0)
    total_amount = models.DecimalField(
        _("发放总额（元）"), default=Decimal("0.00"), max_digits=12, decimal_places=2
    )
    counts = models.JSONField(_("变动统计"), default=dict, blank=True)
    rates_used = models.JSONField(_("适用标准"), default=list, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"
    # A street reviews and adjusts its part of the district's roll (the lines it sees stay its own).
    scope_above = ("view", "change", "review", "export")

    class Meta:
        verbose_name = _("发放花名册")
        verbose_name_plural = pgettext_lazy("plural", "发放花名册")
        ordering = ["-month", "programme", "area_path"]
        permissions = [
            ("review_paymentroll", "街道审核花名册"),
            ("approve_paymentroll", "区级审批花名册"),
            ("publish_paymentroll", "公示花名册"),
            ("export_paymentroll", "导出银行代发文件"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["programme", "area", "month"], name="unique_roll_area_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="roll_month_first_day"),
        ]
        indexes = [models.Index(fields=["area_path"], opclasses=_PATTERN, name="roll_area_path_idx")]

    def __str__(self) -> str:
        return f"{self.programme} {month_label(self.month)} {self.area.name}"

    def get_absolute_url(self) -> str:
        return reverse("benefits:paymentroll_detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.status in (RollStatus.APPROVED, RollStatus.PUBLISHED)

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class RollReview(models.Model):
    """街道审核: one street's sign-off on its part of a roll."""

    roll = models.ForeignKey(
        PaymentRoll, verbose_name=_("花名册"), on_delete=models.CASCADE, related_name="reviews"
    )
    street = models.ForeignKey(Area, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"))
    note = models.CharField(_("意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("街道审核")
        verbose_name_plural = pgettext_lazy("plural", "街道审核")
        constraints = [models.UniqueConstraint(fields=["roll", "street"], name="unique_roll_street_review")]

    def __str__(self) -> str:
        return f"{self.street.name} {self.reviewed_at:%Y-%m-%d}"


class RollLine(models.Model):
    """花名册明细: what one elder is paid in one roll, with the facts it was computed from.

    ``programme`` and ``month`` repeat the roll's so that the database itself refuses a second
    paying line for the same person, programme and month in any roll (adjustments and stop notices
    excepted). The fact
    columns are frozen at generation; a later registry edit shows up in the re-check, never here.
    Foreign keys carry no database constraint: a two-million-line insert would otherwise pay three
    referential checks per row; the rows are written only by the roll generator.
    """

    roll = models.ForeignKey(
        PaymentRoll,
        verbose_name=_("花名册"),
        on_delete=models.CASCADE,
        related_name="lines",
        db_constraint=False,
        db_index=False,  # the block-range index below serves
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("项目"),
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    month = models.DateField(_("发放月份"))
    elder = models.ForeignKey(
        Elder,
        verbose_name=_("老年人"),
        on_delete=models.CASCADE,
        related_name="roll_lines",
        db_constraint=False,
        db_index=False,
    )
    rate_rule = models.ForeignKey(
        RateRule,
        verbose_name=_("适用标准"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    base_amount = models.DecimalField(_("当月金额"), max_digits=12, decimal_places=2)
    arrears_amount = models.DecimalField(
        _("补发金额"), default=Decimal("0.00"), max_digits=12, decimal_places=2
    )
    amount = models.DecimalField(_("应发金额"), max_digits=12, decimal_places=2)
    prev_amount = models.DecimalField(_("上月金额"), null=True, blank=True, max_digits=12, decimal_places=2)
    months_covered = models.PositiveSmallIntegerField(_("覆盖月数"), default=1)
    change_type = models.CharField(_("变动类型"), max_length=12, choices=ChangeType.choices)
    reason = models.CharField(_("变动原因"), max_length=100, blank=True)
    # Frozen facts (冻结的认定依据).
    fact_basis = models.CharField(_("发放依据"), max_length=20, blank=True)
    fact_age = models.PositiveSmallIntegerField(_("年龄（月末）"), null=True)
    fact_birth_date = models.DateField(_("出生日期"), null=True)
    fact_categories = models.CharField(_("经济类别"), max_length=100, blank=True)
    fact_level = models.PositiveSmallIntegerField(_("能力等级"), null=True)
    fact_hukou_local = models.BooleanField(_("本区户籍"), null=True)
    fact_status = models.CharField(_("状态"), max_length=12, blank=True)
    area_path = models.CharField(_("区域路径"), max_length=15)
    flagged = models.BooleanField(_("复核标记"), default=False)
    flag_reason = models.CharField(_("复核说明"), max_length=100, blank=True)
    excluded = models.BooleanField(_("已剔除"), default=False)
    # Manual adjustments only (change_type "adjustment"): what kind, and which earlier month they
    # correct. Database defaults, because the stop notices' INSERT … SELECT does not name them.
    adjustment_kind = models.CharField(
        _("调整类型"), max_length=12, choices=AdjustmentKind.choices, blank=True, default="", db_default=""
    )
    corrects_month = models.DateField(_("更正月份"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("花名册明细")
        verbose_name_plural = pgettext_lazy("plural", "花名册明细")
        ordering = ["area_path", "id"]
        constraints = [
            # 同一人同一项目同一月份只能出现一次 (across every roll of that programme and month).
            models.UniqueConstraint(
                fields=["elder", "programme", "month"],
                condition=~Q(change_type__in=["adjustment", "stopped"]),
                name="unique_line_elder_programme_month",
            ),
        ]
        # A roll's lines are written together, so a block-range index finds them (see BlockRangeIndex).
        # An elder's payments, newest first (the elder's page): the unique constraint above is partial,
        # so without this each partition was scanned whole (0.5 s a page at 300,000 elders).
        indexes = [
            BlockRangeIndex(fields=["roll"], name="rollline_roll_brin"),
            models.Index(fields=["elder", "month"], name="rollline_elder_month_idx"),
            # A roll's page: its first hundred lines in the page's order (street, then line) read
            # from the index of the roll's month, instead of sorting its 30,000 lines for each view.
            models.Index(fields=["roll", "area_path", "id"], name="rollline_roll_page_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.elder_id} {month_label(self.month)} {self.amount}"

    @property
    def street_path(self) -> str:
        return self.area_path[:9]

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.elder_id


class ArrearsMonth(models.Model):
    """补发月份: one earlier month paid back by a line; unique per person, programme and month."""

    # No database constraint: on PostgreSQL the lines are partitioned by programme and month, and a
    # foreign key can only point at a partitioned table's whole primary key (id, programme, month).
    line = models.ForeignKey(
        RollLine,
        verbose_name=_("明细"),
        on_delete=models.CASCADE,
        related_name="arrears_months",
        db_constraint=False,
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="+"
    )
    elder = models.ForeignKey(Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("补发月份"))
    amount = models.DecimalField(_("金额"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("补发月份")
        verbose_name_plural = pgettext_lazy("plural", "补发月份")
        constraints = [
            models.UniqueConstraint(fields=["elder", "programme", "month"], name="unique_arrears_month")
        ]

    def __str__(self) -> str:
        return f"{month_label(self.month)} {self.amount}"


class Budget(TimeStampedModel):
    """年度预算: the money set aside for one programme in one street (or the district) for a year."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="budgets"
    )
    area = models.ForeignKey(Area, verbose_name=_("街道"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"))
    amount = models.DecimalField(_("预算金额（元）"), max_digits=12, decimal_places=2)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("预算")
        verbose_name_plural = pgettext_lazy("plural", "预算")
        ordering = ["-year", "programme", "area_path"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "area", "year"], name="unique_budget_area_year")
        ]

    def __str__(self) -> str:
        return gettext("%(year)s年 %(programme)s %(area)s") % {
            "year": self.year,
            "programme": self.programme,
            "area": self.area.name,
        }

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class LifeEventBatch(TimeStampedModel):
    """死亡/迁出名单: one list received from public security, funeral homes or health, as imported."""

    kind = models.CharField(_("名单类型"), max_length=12, choices=LifeEventKind.choices)
    source = models.CharField(_("来源"), max_length=50, help_text=_("公安、殡葬、卫健 …"))
    filename = models.CharField(_("文件名"), max_length=200)
    area_path = models.CharField(_("区域路径"), max_length=15)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    total_rows = models.IntegerField(_("行数"), default=0)
    counts = models.JSONField(_("匹配统计"), default=dict, blank=True)
    seconds = models.FloatField(_("匹配耗时（秒）"), default=0)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("死亡/迁出名单")
        verbose_name_plural = pgettext_lazy("plural", "死亡/迁出名单")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    def get_absolute_url(self) -> str:
        return reverse("benefits:lifeeventbatch_detail", args=[self.pk])

    @property
    def audit_area_path(self) -> str:
        return self.area_path


class LifeEventRow(models.Model):
    """名单中的一行: matched by ID number, proposed by name and birth date, or unmatched."""

    batch = models.ForeignKey(
        LifeEventBatch, verbose_name=_("名单"), on_delete=models.CASCADE, related_name="rows"
    )
    row_number = models.IntegerField(_("行号"))
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    id_masked = models.CharField(_("身份证号"), max_length=18, blank=True)
    # Matched once, at import (``lifeevents.match_batch``); never looked up afterwards, so unindexed.
    id_hash = models.CharField(_("身份证号摘要"), max_length=32, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    event_date = models.DateField(_("死亡/迁出日期"), null=True, blank=True)
    status = models.CharField(
        _("匹配状态"), max_length=12, choices=MatchStatus.choices, default=MatchStatus.UNMATCHED
    )
    elder = models.ForeignKey(
        Elder,
        verbose_name=_("匹配老人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    candidates = models.PositiveSmallIntegerField(_("候选人数"), default=0)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedManager()
    scope_path = "batch__area_path"

    class Meta:
        verbose_name = _("名单行")
        verbose_name_plural = pgettext_lazy("plural", "名单行")
        ordering = ["batch", "row_number"]
        indexes = [models.Index(fields=["batch", "status"], name="lifeeventrow_status_idx")]

    def __str__(self) -> str:
        return gettext("第%(row)s行 %(name)s") % {"row": self.row_number, "name": self.name}

    @property
    def audit_area_path(self) -> str:
        return self.elder.area_path if self.elder else self.batch.area_path

    @property
    def audit_subject_id(self) -> int | None:
        return self.elder_id


class Recovery(TimeStampedModel):
    """追回台账: money paid for months after the stop month (death, moving away), to be repaid or
    waived (核销, which a district administrator approves)."""

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="recoveries"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="+"
    )
    event_row = models.ForeignKey(
        LifeEventRow,
        verbose_name=_("来源名单行"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stop_month = models.DateField(_("停发起始月"))
    months = models.CharField(_("多发月份"), max_length=200)
    owed = models.DecimalField(_("应追回（元）"), max_digits=12, decimal_places=2)
    repaid = models.DecimalField(_("已追回（元）"), default=Decimal("0.00"), max_digits=12, decimal_places=2)
    waived = models.DecimalField(_("已核销（元）"), default=Decimal("0.00"), max_digits=12, decimal_places=2)
    status = models.CharField(
        _("状态"), max_length=20, choices=RecoveryStatus.choices, default=RecoveryStatus.OPEN
    )
    waiver_reason = models.CharField(_("核销理由"), max_length=200, blank=True)
    waiver_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核销申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    waiver_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核销审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    area_path = models.CharField(_("区域路径"), max_length=15)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("追回台账")
        verbose_name_plural = pgettext_lazy("plural", "追回台账")
        ordering = ["-created_at"]
        permissions = [("waive_recovery", "审批核销")]
        constraints = [
            models.UniqueConstraint(fields=["elder", "programme", "stop_month"], name="unique_recovery"),
            models.CheckConstraint(
                condition=Q(repaid__gte=0) & Q(waived__gte=0) & Q(owed__gte=F("repaid") + F("waived")),
                name="recovery_amounts_consistent",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(programme)s 追回 %(owed)s 元") % {"programme": self.programme, "owed": self.owed}

    def get_absolute_url(self) -> str:
        return reverse("benefits:recovery_detail", args=[self.pk])

    @property
    def outstanding(self) -> Decimal:
        return self.owed - self.repaid - self.waived

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.elder_id


# 集中供养 (its own sub-domain, kept in its own module).
from yiyang.benefits.models_support import CentralisedSupport  # noqa: E402, F401
