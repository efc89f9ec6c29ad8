"""评选表彰: 十佳老人, 孝星, 敬老文明号, 优秀护理员 — nominations reviewed by the street, then the district,
a vote where the rules call for one, and a published list."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core.scoping import ScopedManager
from yiyang.people.models import Elder
from yiyang.volunteers.choices import CampaignStage, Decision, HonourKind


class HonourCampaign(models.Model):
    name = models.CharField(_("评选名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=HonourKind.choices)
    area = models.ForeignKey(Area, verbose_name=_("评选范围"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"), default=2026)
    places = models.PositiveSmallIntegerField(_("名额"), default=10)
    vote_required = models.BooleanField(_("须群众投票"), default=True)
    criteria = models.TextField(_("评选标准"), blank=True)
    stage = models.CharField(
        _("阶段"), max_length=16, choices=CampaignStage.choices, default=CampaignStage.NOMINATING
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_above = ("view",)  # a street sees the district's campaign it nominates to

    class Meta:
        verbose_name = _("评选表彰")
        verbose_name_plural = _("评选表彰")
        ordering = ["-year", "-id"]
        permissions = [("approve_honourcampaign", "区级审定与公布评选结果")]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("volunteers:honourcampaign_detail", args=[self.pk])

    @property
    def audit_area_path(self) -> str:
        return self.area_path


class Nomination(models.Model):
    campaign = models.ForeignKey(HonourCampaign, verbose_name=_("评选"), on_delete=models.CASCADE,
                                 related_name="nominations")  # fmt: skip
    nominee = models.CharField(_("被推荐人或单位"), max_length=100)
    elder = models.ForeignKey(Elder, verbose_name=_("老年人"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="nominations")  # fmt: skip
    area = models.ForeignKey(Area, verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    deeds = models.TextField(_("主要事迹"))
    nominated_by = models.CharField(_("推荐单位"), max_length=100, blank=True)
    street_decision = models.CharField(
        _("街道审核"), max_length=10, choices=Decision.choices, blank=True, default=""
    )
    district_decision = models.CharField(
        _("区级审定"), max_length=10, choices=Decision.choices, blank=True, default=""
    )
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    votes = models.PositiveIntegerField(_("得票"), default=0)
    rank = models.PositiveSmallIntegerField(_("名次"), null=True, blank=True)
    created_at = models.DateTimeField(_("推荐时间"), default=timezone.now)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("评选推荐")
        verbose_name_plural = _("评选推荐")
        ordering = ["campaign", "rank", "-votes", "id"]

    def __str__(self) -> str:
        return f"{self.campaign.name} · {self.nominee}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def audit_subject_id(self) -> int | None:
        return self.elder_id
