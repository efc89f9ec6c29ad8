"""养老护理员岗位补贴: 岗位补贴 by certificate level and 工龄补贴 by years in post, as dated rules; a
monthly roll per area, generated in one statement, reviewed by the street, approved by the district,
paid through the bank payment file every roll uses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, RestrictedError
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.workforce.choices import CertificateLevel, RollStatus, SubsidyKind
from yiyang.workforce.models.registry import CareWorker, Certificate


class SettledSubsidyError(RestrictedError):
    """A worker, certificate or employer whose deletion would take reviewed or approved subsidy lines
    with it. A :class:`~django.db.models.RestrictedError` (an ``IntegrityError``), not a
    ``ProtectedError``: the deletion collector rewords a ``ProtectedError`` into a generic English
    sentence naming the foreign key, and the person deleting should read why and what to do."""


def protect_settled(collector: Any, field: Any, sub_objs: Any, using: str) -> None:
    """``on_delete`` of a line's worker and certificate: a draft roll's lines go with them (the roll is
    regenerated), a reviewed or approved roll's lines refuse the deletion: money paid or about to be
    paid keeps the person and the certificate it was paid for. Leaving (离职) is how a worker ends."""
    # The collector may have narrowed ``sub_objs`` to the keys (``only``): ask again, by key.
    keys: Any = sub_objs.values("pk") if isinstance(sub_objs, models.QuerySet) else [o.pk for o in sub_objs]
    settled = list(
        PostSubsidyLine.objects.filter(pk__in=keys)
        .exclude(roll__status=RollStatus.DRAFT)
        .select_related("roll__area", "worker")
    )
    if settled:
        names = sorted({line.worker.name for line in settled})
        rolls = sorted({str(line.roll) for line in settled})
        who = "、".join(names[:5]) + ("…" if len(names) > 5 else "")
        raise SettledSubsidyError(
            gettext(
                "不能删除：%(who)s（%(count)s 人）有已审核或已审批的岗位补贴明细（花名册 %(rolls)s），"
                "补贴记录须保留。护理员不再从业请办理离职；用人单位不再经营请停用。"
            )
            % {
                "who": who,
                "count": len(names),
                "rolls": "、".join(rolls[:3]) + ("…" if len(rolls) > 3 else ""),
            },
            set(settled),
        )
    models.CASCADE(collector, field, sub_objs, using)


class PostSubsidyRule(models.Model):
    """岗位补贴标准: a monthly amount for a certificate level (岗位补贴) or for a band of whole years in
    post (工龄补贴, ``years_from`` ≤ years < ``years_to``), in force from ``valid_from`` to ``valid_to``."""

    kind = models.CharField(_("补贴类型"), max_length=10, choices=SubsidyKind.choices)
    level = models.PositiveSmallIntegerField(
        _("证书等级"), choices=CertificateLevel.choices, null=True, blank=True
    )
    years_from = models.PositiveSmallIntegerField(_("工龄起（年，含）"), null=True, blank=True)
    years_to = models.PositiveSmallIntegerField(
        _("工龄止（年，不含）"), null=True, blank=True, help_text=_("空 = 不设上限")
    )
    amount = models.DecimalField(_("金额（元/月）"), max_digits=10, decimal_places=2)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None

    class Meta:
        verbose_name = _("岗位补贴标准")
        verbose_name_plural = _("岗位补贴标准")
        ordering = ["kind", "level", "years_from", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="post_rule_dates_ordered",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="post_rule_amount_nonneg"),
            models.CheckConstraint(
                condition=Q(kind=SubsidyKind.POST, level__isnull=False, years_from__isnull=True)
                | Q(kind=SubsidyKind.SENIORITY, level__isnull=True, years_from__isnull=False),
                name="post_rule_basis",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == SubsidyKind.POST:
            basis = str(self.get_level_display())
        else:
            basis = f"{self.years_from}–{self.years_to if self.years_to is not None else '∞'}"
        return f"{self.get_kind_display()} {basis} {self.amount}（{self.valid_from:%Y-%m-%d}）"


class PostSubsidyRoll(TimeStampedModel):
    """岗位补贴花名册: one area's care workers' post subsidies for one month."""

    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    month = models.DateField(_("发放月份"), help_text=_("该月1日"))
    status = models.CharField(_("状态"), max_length=10, choices=RollStatus.choices, default=RollStatus.DRAFT)
    line_count = models.IntegerField(_("发放人数"), default=0)
    total_amount = models.DecimalField(
        _("发放总额（元）"), max_digits=14, decimal_places=2, default=Decimal(0)
    )
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    generation_seconds = models.FloatField(_("生成耗时（秒）"), default=0)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_above = ("view",)

    class Meta:
        verbose_name = _("岗位补贴花名册")
        verbose_name_plural = _("岗位补贴花名册")
        ordering = ["-month", "area_path"]
        permissions = [
            ("review_postsubsidyroll", "审核岗位补贴花名册"),
            ("approve_postsubsidyroll", "审批岗位补贴花名册"),
            ("export_postsubsidyroll", "导出岗位补贴代发文件"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["area", "month"], name="post_roll_area_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="post_roll_month_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.area.name} {self.month:%Y-%m}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("workforce:postsubsidyroll_detail", args=[self.pk])

    @property
    def audit_area_path(self) -> str:
        return self.area_path


class PostSubsidyLine(models.Model):
    """岗位补贴明细: one worker's month, with the certificate and the years it was computed from (frozen).

    ``month`` repeats the roll's so the database refuses a second line for one worker and month.
    The roll and the worker have no index of their own: the two composite indexes lead with them, and
    each index less is one write less for each of a month's 50,000 lines.
    """

    roll = models.ForeignKey(
        PostSubsidyRoll, verbose_name=_("花名册"), on_delete=models.CASCADE, related_name="lines",
        db_index=False,  # led by the (roll, area_path) index
    )  # fmt: skip
    worker = models.ForeignKey(
        CareWorker, verbose_name=_("护理员"), on_delete=protect_settled, related_name="+",
        db_index=False,  # led by the unique (worker, month) index
    )  # fmt: skip
    month = models.DateField(_("发放月份"))
    certificate = models.ForeignKey(
        Certificate, verbose_name=_("证书"), on_delete=protect_settled, related_name="+", db_constraint=False
    )
    level = models.PositiveSmallIntegerField(_("证书等级"), choices=CertificateLevel.choices)
    post_amount = models.DecimalField(_("岗位补贴"), max_digits=10, decimal_places=2)
    years = models.PositiveSmallIntegerField(_("工龄（年）"))
    seniority_amount = models.DecimalField(_("工龄补贴"), max_digits=10, decimal_places=2)
    amount = models.DecimalField(_("应发金额"), max_digits=10, decimal_places=2)
    area_path = models.CharField(_("区域路径"), max_length=15)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = ("worker__provider_id", "worker__institution_id", "worker__canteen_id")

    class Meta:
        verbose_name = _("岗位补贴明细")
        verbose_name_plural = _("岗位补贴明细")
        ordering = ["area_path", "id"]
        constraints = [models.UniqueConstraint(fields=["worker", "month"], name="post_line_once_per_month")]
        indexes = [models.Index(fields=["roll", "area_path"], name="post_line_roll_idx")]

    def __str__(self) -> str:
        return f"{self.worker_id} {self.month:%Y-%m} {self.amount}"

    @property
    def audit_area_path(self) -> str:
        return self.area_path
