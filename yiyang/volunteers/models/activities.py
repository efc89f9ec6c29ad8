"""敬老活动: events with a capacity, sign-ups, attendance by a code scanned on a phone, and volunteers
credited for the hours they staff."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core.scoping import ScopedManager
from yiyang.people.models import Elder
from yiyang.volunteers.choices import ActivityKind
from yiyang.volunteers.models.registry import Volunteer


def new_code() -> str:
    return secrets.token_urlsafe(9)


class Activity(models.Model):
    name = models.CharField(_("活动名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=ActivityKind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("举办社区/街道"), on_delete=models.PROTECT, related_name="+"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    place = models.CharField(_("地点"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"))
    description = models.TextField(_("活动内容"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("敬老活动")
        verbose_name_plural = _("敬老活动")
        ordering = ["-starts_at", "id"]
        permissions = [("attend_activity", "活动扫码签到"), ("export_activity", "导出敬老活动")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="activity_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{timezone.localtime(self.starts_at):%Y-%m-%d}）"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("volunteers:activity_detail", args=[self.pk])

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Participation(models.Model):
    """报名与签到: an elder signed up (by a worker, or by the elder) and, when the ticket's code is
    scanned at the door, attended; or a volunteer staffing the event, credited for its hours."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="participants"
    )
    elder = models.ForeignKey(Elder, verbose_name=_("老年人"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="activity_participations")  # fmt: skip
    volunteer = models.ForeignKey(Volunteer, verbose_name=_("志愿者"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="activity_participations")  # fmt: skip
    code = models.CharField(_("签到码"), max_length=20, unique=True, default=new_code, editable=False)
    signed_up_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    signed_up_by = models.CharField(_("报名方式"), max_length=30, blank=True)
    attended_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL)  # fmt: skip

    objects = ScopedManager()
    scope_path = "activity__area_path"

    class Meta:
        verbose_name = _("活动报名")
        verbose_name_plural = _("活动报名")
        ordering = ["activity", "signed_up_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(elder__isnull=True) ^ Q(volunteer__isnull=True),
                name="participation_elder_or_volunteer",
            ),
            models.UniqueConstraint(fields=["activity", "elder"], name="one_signup_per_elder"),
            models.UniqueConstraint(fields=["activity", "volunteer"], name="one_signup_per_volunteer"),
        ]

    def __str__(self) -> str:
        who = self.elder.name if self.elder else self.volunteer.name if self.volunteer else ""
        return f"{self.activity.name} · {who}"

    @property
    def audit_area_path(self) -> str:
        return self.activity.area_path

    @property
    def audit_subject_id(self) -> int | None:
        return self.elder_id

    @property
    def source_key(self) -> str:
        return f"activity:{self.pk}"
