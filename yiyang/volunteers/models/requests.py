"""求助 (help requests): what an elder asked for, matched to a volunteer by skill, distance and availability."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.core.i18n import records_language
from yiyang.core.scoping import ScopedManager
from yiyang.people.models import Elder
from yiyang.volunteers.choices import DaySlot, RequestChannel, RequestStatus, Skill
from yiyang.volunteers.models.registry import Volunteer


class HelpRequest(models.Model):
    """求助: a request from an elder (through a worker, the hotline or the services intake) for a volunteer.

    It is offered to one volunteer at a time; a volunteer who declines is remembered and not offered it
    again. The service it leads to is recorded and verified like a home visit.
    """

    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.PROTECT, related_name="help_requests"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    skill = models.CharField(_("需要的服务"), max_length=16, choices=Skill.choices)
    description = models.CharField(_("需求说明"), max_length=300, blank=True)
    wanted_on = models.DateField(_("希望日期"), default=timezone.localdate)
    wanted_slot = models.CharField(
        _("希望时段"), max_length=4, choices=DaySlot.choices, default=DaySlot.MORNING
    )
    channel = models.CharField(
        _("来源"), max_length=10, choices=RequestChannel.choices, default=RequestChannel.WORKER
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    volunteer = models.ForeignKey(
        Volunteer,
        verbose_name=_("志愿者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="help_requests",
    )
    declined = models.JSONField(_("已婉拒的志愿者"), default=list, blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL
    )

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "volunteer__team_id"  # a team's leaders see what is offered to their members

    class Meta:
        verbose_name = _("求助")
        verbose_name_plural = _("求助与匹配")
        ordering = ["-created_at", "-id"]
        permissions = [("match_helprequest", "为求助匹配志愿者"), ("export_helprequest", "导出求助")]
        indexes = [models.Index(fields=["area_path", "status"], name="help_request_area_idx")]

    def __str__(self) -> str:
        with records_language():
            return f"{self.elder.name} {self.get_skill_display()} {self.wanted_on:%Y-%m-%d}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.elder.area_path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def get_absolute_url(self) -> str:
        return reverse("volunteers:helprequest_detail", args=[self.pk])

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.elder_id

    @property
    def weekday(self) -> str:
        return str(self.wanted_on.isoweekday())

    def is_due(self, today: datetime.date | None = None) -> bool:
        return self.wanted_on <= (today or timezone.localdate())
