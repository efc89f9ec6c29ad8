"""邻里互助结对: a volunteer (often a younger neighbour) paired with an elder living nearby.

The pair agrees how often the volunteer calls (every ``every_days`` days). Each call is an ordinary
volunteer service (:class:`~yiyang.volunteers.models.ServiceRecord` naming the pair): checked in and
out at the elder's home, signed off by the elder, and credited to the time bank by the same action as
any other service — there is no second way into the ledger. ``next_due_on`` is the day the next call
is due (the last call's day, or the start, plus the interval); a pair past it is overdue and listed
for the community. A pair ends by agreement, or by itself when the elder dies or moves away or the
volunteer leaves the register.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.core.i18n import records_language
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.people.models import Elder
from yiyang.volunteers.choices import PairEndReason, PairStatus, Skill
from yiyang.volunteers.models.registry import Volunteer


class MutualAidPair(TimeStampedModel):
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="pairs"
    )
    elder = models.ForeignKey(
        Elder, verbose_name=_("结对老人"), on_delete=models.PROTECT, related_name="mutual_aid_pairs"
    )
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    skill = models.CharField(_("约定服务"), max_length=16, choices=Skill.choices, default=Skill.COMPANIONSHIP)
    every_days = models.PositiveSmallIntegerField(
        _("约定频次（每几天一次）"), default=7, help_text=_("例如每周一次填 7")
    )
    distance_m = models.PositiveIntegerField(_("两家距离（米）"), null=True, blank=True, editable=False)
    started_on = models.DateField(_("结对日期"), default=timezone.localdate)
    last_visit_on = models.DateField(_("最近一次关怀"), null=True, blank=True, editable=False)
    next_due_on = models.DateField(_("下次关怀应在"), editable=False)
    status = models.CharField(
        _("状态"), max_length=8, choices=PairStatus.choices, default=PairStatus.ACTIVE, editable=False
    )
    ended_on = models.DateField(_("解除日期"), null=True, blank=True, editable=False)
    end_reason = models.CharField(
        _("解除原因"), max_length=16, choices=PairEndReason.choices, blank=True, editable=False
    )
    note = models.CharField(_("约定内容"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"
    scope_organisation = "volunteer__team_id"

    class Meta:
        verbose_name = _("邻里互助结对")
        verbose_name_plural = _("邻里互助结对")
        ordering = ["next_due_on", "id"]
        permissions = [("export_mutualaidpair", "导出邻里互助结对")]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "elder"],
                condition=models.Q(status="active"),
                name="one_active_pair_per_volunteer_elder",
            ),
            models.CheckConstraint(condition=models.Q(every_days__gte=1), name="pair_every_days_positive"),
        ]
        indexes = [models.Index(fields=["status", "next_due_on", "area_path"], name="pair_due_idx")]

    def __str__(self) -> str:
        with records_language():
            return f"{self.volunteer.name} ↔ {self.elder.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.elder.area_path
        self.next_due_on = (self.last_visit_on or self.started_on) + datetime.timedelta(days=self.every_days)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    @property
    def audit_subject_id(self) -> int:
        return self.elder_id

    def get_absolute_url(self) -> str:
        return reverse("volunteers:mutualaidpair_detail", args=[self.pk])

    def get_edit_url(self) -> str:
        return reverse("volunteers:mutualaidpair_edit", args=[self.pk])

    def days_overdue(self, today: datetime.date | None = None) -> int:
        if self.status != PairStatus.ACTIVE:
            return 0
        return max(0, ((today or timezone.localdate()) - self.next_due_on).days)
