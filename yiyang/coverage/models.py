"""The 15-minute service circle (一刻钟居家养老服务圈): measured coverage and site proposals."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core.scoping import ScopedManager

_PATTERN = ["varchar_pattern_ops"]


class CoverageRun(models.Model):
    """覆盖率计算批次: one computation of the service circle over all elders, with the rule it used."""

    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now, db_index=True)
    detour_factor = models.FloatField(_("绕行系数"))
    walk_metres = models.FloatField(_("步行距离（米）"))
    elder_count = models.IntegerField(_("老年人数"), default=0)
    unlocated = models.IntegerField(
        _("无坐标人数"), default=0, help_text="no home, grid or community location"
    )
    point_counts = models.JSONField(_("服务点数"), default=dict, help_text="{kind: count}")
    kind_labels = models.JSONField(_("服务点类型"), default=dict)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("覆盖率计算批次")
        verbose_name_plural = _("覆盖率计算批次")
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{timezone.localtime(self.computed_at):%Y-%m-%d %H:%M}"


class CoverageResult(models.Model):
    """服务圈覆盖率: per area (community, street, district) and kind of service point, from the last run.

    Aggregated rather than one row per elder: the pages need counts per community and street, and a
    few thousand rows are rewritten in one COPY where 2 million per kind would not be.
    """

    run = models.ForeignKey(
        CoverageRun, verbose_name=_("计算批次"), on_delete=models.CASCADE, related_name="results"
    )
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15)
    level = models.PositiveSmallIntegerField(_("层级"))
    kind = models.CharField(_("服务点类型"), max_length=32)
    total = models.IntegerField(_("老年人数"))
    covered = models.IntegerField(_("圈内人数"))
    distance_sum = models.FloatField(_("距离合计（米）"), default=0)
    reachable = models.IntegerField(_("有距离的人数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("服务圈覆盖率")
        verbose_name_plural = _("服务圈覆盖率")
        ordering = ["area_path", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["area_path", "kind"], name="unique_coverage_area_kind")
        ]
        indexes = [
            models.Index(fields=["kind", "level", "area_path"], name="coverage_kind_level_idx"),
            models.Index(fields=["area_path"], opclasses=_PATTERN, name="coverage_path_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.area_path} {self.kind}: {self.covered}/{self.total}"

    @property
    def rate(self) -> float | None:
        return self.covered / self.total if self.total else None

    @property
    def mean_distance(self) -> float | None:
        return self.distance_sum / self.reachable if self.reachable else None

    @property
    def audit_area_path(self) -> str:
        return self.area_path


class SiteProposal(models.Model):
    """设施布局建议: the next K sites that would bring the most uncovered elders into the circle."""

    area = models.ForeignKey(Area, verbose_name=_("规划范围"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    kind = models.CharField(_("服务点类型"), max_length=32)
    k = models.PositiveSmallIntegerField(_("建议个数"))
    detour_factor = models.FloatField(_("绕行系数"))
    walk_metres = models.FloatField(_("步行距离（米）"))
    candidate_mode = models.CharField(_("候选点"), max_length=16, default="both")
    uncovered_before = models.IntegerField(_("圈外老人（规划前）"), default=0)
    newly_covered = models.IntegerField(_("新增覆盖"), default=0)
    elder_total = models.IntegerField(_("老年人数"), default=0)
    sites = models.JSONField(_("建议站点"), default=list)
    seconds = models.FloatField(_("耗时（秒）"), default=0)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("设施布局建议")
        verbose_name_plural = _("设施布局建议")
        ordering = ["-created_at"]
        permissions = [("export_siteproposal", "导出设施布局建议")]

    def __str__(self) -> str:
        return f"{self.area} 新增{self.k}个站点建议（{timezone.localtime(self.created_at):%Y-%m-%d %H:%M}）"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("coverage:siteproposal_detail", args=[self.pk])

    @property
    def audit_area_path(self) -> str:
        return self.area_path
