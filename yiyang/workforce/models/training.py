"""养老护理员培训: the year's plan (as dated rules), classes, trainees with attendance and exam results,
and the certificates a finished class issues."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.workforce.choices import CertificateLevel, ClassStatus
from yiyang.workforce.models.registry import CareWorker


class TrainingPlanRule(models.Model):
    """年度培训计划: at least so many classes and trainees a year, in force between two dates.

    Seed 001: "at least 10 classes and 500 trainees a year from now on"; the dashboard compares the
    year's finished classes and their trainees with the rule in force on the year's last day.
    """

    name = models.CharField(_("名称"), max_length=100)
    min_classes = models.PositiveIntegerField(_("年度培训班数（不少于）"))
    min_trainees = models.PositiveIntegerField(_("年度培训人数（不少于）"))
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    objects = ScopedManager()
    scope_path = None  # the district's rules: the permission alone decides

    class Meta:
        verbose_name = _("年度培训计划")
        verbose_name_plural = _("年度培训计划")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="training_plan_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingClass(TimeStampedModel):
    """培训班: a class run by an organiser in an area, towards a certificate level, with an exam."""

    name = models.CharField(_("班次名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("培训等级"), choices=CertificateLevel.choices)
    organiser = models.CharField(_("承办单位"), max_length=100)
    issuer = models.CharField(_("发证机构"), max_length=100, help_text=_("结业考核合格者的证书由该机构颁发"))
    area = models.ForeignKey(Area, verbose_name=_("举办地"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    days = models.PositiveSmallIntegerField(_("培训天数"))
    pass_mark = models.PositiveSmallIntegerField(_("合格分数"), default=60)
    status = models.CharField(
        _("状态"), max_length=10, choices=ClassStatus.choices, default=ClassStatus.PLANNED
    )

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-starts_on", "id"]
        permissions = [("finish_trainingclass", "培训班结业发证"), ("export_trainingclass", "导出培训班")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="class_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(days__gt=0), name="class_days_positive"),
        ]
        indexes = [models.Index(fields=["area_path", "ends_on"], name="class_area_idx")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("workforce:trainingclass_detail", args=[self.pk])

    @property
    def audit_area_path(self) -> str:
        return self.area_path


class Trainee(models.Model):
    """学员: a care worker in a class, with the days attended, the exam score and the certificate issued."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("培训班"), on_delete=models.CASCADE, related_name="trainees"
    )
    worker = models.ForeignKey(
        CareWorker, verbose_name=_("护理员"), on_delete=models.CASCADE, related_name="trainings"
    )
    days_attended = models.PositiveSmallIntegerField(_("出勤天数"), default=0)
    exam_score = models.PositiveSmallIntegerField(_("考核成绩"), null=True, blank=True)
    certificate = models.OneToOneField(
        "workforce.Certificate",
        verbose_name=_("颁发证书"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trainee",
        editable=False,
    )

    objects = ScopedManager()
    scope_path = "training_class__area_path"
    scope_organisation = ("worker__provider_id", "worker__institution_id", "worker__canteen_id")

    class Meta:
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        ordering = ["training_class", "worker__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["training_class", "worker"], name="trainee_once_per_class"),
        ]

    def __str__(self) -> str:
        return f"{self.training_class} · {self.worker}"

    def get_absolute_url(self) -> str:
        return reverse("workforce:trainingclass_detail", args=[self.training_class_id])

    @property
    def audit_area_path(self) -> str:
        return self.training_class.area_path

    @property
    def passed(self) -> bool:
        c = self.training_class
        return (
            self.exam_score is not None
            and self.exam_score >= c.pass_mark
            and self.days_attended * 10 >= c.days * 8  # at least 80 % attendance
        )
