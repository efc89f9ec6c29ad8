"""志愿服务记录: one service a volunteer gave an elder, verified like a home visit.

The volunteer checks in and out at the elder's home (time and position) and the elder signs off;
only then are the hours credited to the volunteer's time account, once.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.core.i18n import records_language
from yiyang.core.scoping import ScopedManager
from yiyang.people.models import Elder
from yiyang.volunteers.choices import ServiceStatus, SignoffMethod, Skill
from yiyang.volunteers.models.registry import Volunteer


class ServiceRecord(models.Model):
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="services"
    )
    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="volunteer_services"
    )
    help_request = models.ForeignKey(
        "volunteers.HelpRequest",
        verbose_name=_("求助"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
    )
    pair = models.ForeignKey(
        "volunteers.MutualAidPair",
        verbose_name=_("邻里互助结对"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
    )
    skill = models.CharField(_("服务内容"), max_length=16, choices=Skill.choices)
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=ServiceStatus.choices, default=ServiceStatus.IN_PROGRESS
    )
    checked_in_at = models.DateTimeField(_("签到时间"), default=timezone.now)
    check_in_latitude = models.FloatField(_("签到纬度"), null=True, blank=True)
    check_in_longitude = models.FloatField(_("签到经度"), null=True, blank=True)
    check_in_distance = models.FloatField(_("签到距离（米）"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    check_out_latitude = models.FloatField(_("签退纬度"), null=True, blank=True)
    check_out_longitude = models.FloatField(_("签退经度"), null=True, blank=True)
    check_out_distance = models.FloatField(_("签退距离（米）"), null=True, blank=True)
    signoff_method = models.CharField(_("确认方式"), max_length=12, choices=SignoffMethod.choices, blank=True)
    signed_by = models.CharField(_("确认人"), max_length=50, blank=True)
    signed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("满意度（1–5）"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("计入时长（分钟）"), default=0)
    note = models.CharField(_("服务情况"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "volunteer__team_id"

    class Meta:
        verbose_name = _("志愿服务记录")
        verbose_name_plural = _("志愿服务记录")
        ordering = ["-checked_in_at", "-id"]
        permissions = [("export_servicerecord", "导出志愿服务记录")]
        indexes = [models.Index(fields=["area_path", "checked_in_at"], name="volunteer_service_area_idx")]

    def __str__(self) -> str:
        with records_language():
            return f"{self.volunteer.name} → {self.elder.name} {self.get_skill_display()} {self.checked_in_at:%Y-%m-%d}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.elder.area_path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("volunteers:servicerecord_detail", args=[self.pk])

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.elder_id

    @property
    def source_key(self) -> str:
        return f"service:{self.pk}"

    def movements(self) -> models.QuerySet[Any]:
        """The hours this service earned (and any overflow to the pool)."""
        from yiyang.volunteers.models.bank import TimeMovement

        return TimeMovement.objects.filter(source_key=self.source_key).select_related("debit", "credit")
