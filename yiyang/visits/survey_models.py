"""Needs surveys (摸底调查): templates of questions as data, rounds over a population, answers per elder.

A template's questions are rows (single or multiple choice, a number, text, yes/no); a round puts a
template to the elders of an area (optionally a saved filter of the registry) and hands each to the
grid's worker, as visits are. An answer that names a registry fact (living situation, phone,
emergency contact) never changes the registry: it becomes a proposed change a reviewer accepts or
rejects. Answers are stored one row per question (per option, for multiple choice) so that results
are grouped by area in one query and every figure opens the list of its elders.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area
from yiyang.core.i18n import records_language
from yiyang.core.models import TimeStampedModel
from yiyang.core.scoping import ScopedManager
from yiyang.people.models import Elder, ElderRecord, SavedFilter
from yiyang.visits.choices import (
    FollowUp,
    ProposalStatus,
    QuestionKind,
    RegistryField,
    ResponseStatus,
    RoundStatus,
)

_PATTERN = ["varchar_pattern_ops"]


class SurveyTemplate(models.Model):
    """调查问卷: a named set of questions, in force between two dates (a district edits it)."""

    name = models.CharField(_("名称"), max_length=100)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = None

    class Meta:
        verbose_name = _("调查问卷")
        verbose_name_plural = _("调查问卷")
        ordering = ["-valid_from", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="survey_template_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("visits:surveytemplate_edit", args=[self.pk])


class SurveyQuestion(models.Model):
    """调查题目: one question of a template; choices one per line."""

    template = models.ForeignKey(
        SurveyTemplate, verbose_name=_("调查问卷"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("题号"), default=1)
    code = models.SlugField(_("代码"), max_length=30, help_text=_("英文字母、数字，如 income"))
    text = models.CharField(_("题目"), max_length=200)
    kind = models.CharField(_("题型"), max_length=8, choices=QuestionKind.choices)
    options = models.TextField(_("选项"), blank=True, help_text=_("单选、多选题：每行一个选项"))
    required = models.BooleanField(_("必答"), default=True)
    min_value = models.DecimalField(_("最小值"), max_digits=12, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("最大值"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("计量单位"), max_length=10, blank=True)
    registry_field = models.CharField(
        _("对应台账字段"), max_length=20, choices=RegistryField.choices, blank=True,
        help_text=_("答案与台账不同时生成待审核的台账变更，不直接改台账"),
    )  # fmt: skip
    follow_up = models.CharField(_("发现需求后"), max_length=12, choices=FollowUp.choices, blank=True)
    follow_up_when = models.CharField(
        _("触发答案"), max_length=100, blank=True, help_text=_("选中该选项（或答“是”）时生成后续工作")
    )

    objects = ScopedManager()
    scope_path = None

    class Meta:
        verbose_name = _("调查题目")
        verbose_name_plural = _("调查题目")
        ordering = ["template", "position", "id"]
        permissions = [("import_surveyquestion", "导入调查问卷")]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="one_survey_question_code")]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"

    def get_absolute_url(self) -> str:
        return reverse("visits:surveyquestion_edit", args=[self.pk])

    @property
    def option_list(self) -> list[str]:
        return [line.strip() for line in self.options.splitlines() if line.strip()]


class SurveyRound(TimeStampedModel):
    """调查批次: a template put to the elders of an area (and a saved filter) between two dates.

    Like a campaign, a round is the district's or street's public act: every permitted user sees it;
    the responses in it are scoped by area.
    """

    name = models.CharField(_("名称"), max_length=100)
    template = models.ForeignKey(SurveyTemplate, verbose_name=_("调查问卷"), on_delete=models.PROTECT,
                                 related_name="+")  # fmt: skip
    area = models.ForeignKey(Area, verbose_name=_("调查区域"), on_delete=models.PROTECT, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15, editable=False)
    population = models.ForeignKey(
        SavedFilter, verbose_name=_("调查对象（分类台账）"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text=_("空 = 区域内全部在册老人"),
    )  # fmt: skip
    start_date = models.DateField(_("开始日期"))
    due_date = models.DateField(_("截止日期"))
    status = models.CharField(_("状态"), max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)

    objects = ScopedManager()
    scope_path = None

    class Meta:
        verbose_name = _("调查批次")
        verbose_name_plural = _("调查批次")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("start_date")), name="survey_round_dates"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.area_path = self.area.path
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def audit_area_path(self) -> str:
        return self.area_path

    def get_absolute_url(self) -> str:
        return reverse("visits:surveyround_detail", args=[self.pk])


class SurveyResponse(ElderRecord, models.Model):
    """调查任务/答卷: one elder in a round, assigned to a worker; answered once (by ``client_key``)."""

    round = models.ForeignKey(
        SurveyRound, verbose_name=_("调查批次"), on_delete=models.CASCADE, related_name="+"
    )
    elder = models.ForeignKey(
        Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    area_path = models.CharField(_("区域路径"), max_length=15)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("调查人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=8, choices=ResponseStatus.choices, default=ResponseStatus.OPEN
    )
    client_key = models.CharField(_("提交编号"), max_length=64, null=True, blank=True, unique=True)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    answered_at = models.DateTimeField(_("调查时间"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("上传时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("调查答卷")
        verbose_name_plural = _("调查答卷")
        ordering = ["area_path", "id"]
        permissions = [
            ("answer_surveyresponse", "入户调查（手机）"),
            ("export_surveyresponse", "导出调查结果"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["elder", "round"], name="one_survey_response_per_round")
        ]
        indexes = [
            models.Index(fields=["round", "area_path"], name="surveyresponse_round_path_idx"),
            models.Index(fields=["assignee", "status"], name="surveyresponse_assignee_idx"),
        ]

    def __str__(self) -> str:
        with records_language():
            return f"{self.round.name} · {self.elder.name}"

    def get_absolute_url(self) -> str:
        return reverse("visits:surveyresponse_fill", args=[self.pk])


class SurveyAnswer(ElderRecord, models.Model):
    """调查答案: one answer (one option of a multiple choice) — the unit that results count."""

    response = models.ForeignKey(
        SurveyResponse, verbose_name=_("调查答卷"), on_delete=models.CASCADE, related_name="answers"
    )
    round = models.ForeignKey(SurveyRound, verbose_name=_("调查批次"), on_delete=models.CASCADE, related_name="+",
                              db_index=False)  # fmt: skip
    question = models.ForeignKey(SurveyQuestion, verbose_name=_("题目"), on_delete=models.CASCADE,
                                 related_name="+")  # fmt: skip
    elder = models.ForeignKey(Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15)
    value = models.CharField(_("答案"), max_length=200, blank=True)
    number = models.DecimalField(_("数值"), max_digits=12, decimal_places=2, null=True, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("调查答案")
        verbose_name_plural = _("调查答案")
        ordering = ["area_path", "response_id", "question_id", "id"]
        permissions = [("export_surveyanswer", "导出调查答案")]
        indexes = [models.Index(fields=["round", "question", "value"], name="surveyanswer_round_q_idx")]

    def __str__(self) -> str:
        with records_language():
            return f"{self.elder.name} {self.question.text}：{self.value if self.number is None else self.number}"

    def get_absolute_url(self) -> str:
        return reverse("visits:surveyresponse_fill", args=[self.response_id])


class RegistryProposal(ElderRecord, models.Model):
    """台账变更建议: a survey answer that differs from the registry, waiting for a reviewer.

    A phone number is kept encrypted (``core.crypto``) and shown masked, as the registry keeps it.
    """

    elder = models.ForeignKey(Elder, verbose_name=_("老年人"), on_delete=models.CASCADE, related_name="+")
    area_path = models.CharField(_("区域路径"), max_length=15)
    response = models.ForeignKey(SurveyResponse, verbose_name=_("调查答卷"), on_delete=models.CASCADE,
                                 related_name="proposals")  # fmt: skip
    field = models.CharField(_("台账字段"), max_length=20, choices=RegistryField.choices)
    current_display = models.CharField(_("台账现值"), max_length=100, blank=True)
    proposed_enc = models.TextField(_("调查所得（密文）"))
    proposed_display = models.CharField(_("调查所得"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    note = models.CharField(_("审核意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("提出时间"), default=timezone.now)

    objects = ScopedManager()
    scope_path = "area_path"
    audit_masked_fields = {"proposed_enc": "proposed_display"}

    class Meta:
        verbose_name = _("台账变更建议")
        verbose_name_plural = _("台账变更建议")
        ordering = ["status", "-created_at", "-id"]
        permissions = [("review_registryproposal", "审核台账变更建议")]
        indexes = [models.Index(fields=["area_path"], opclasses=_PATTERN, name="registryproposal_path_idx")]

    def __str__(self) -> str:
        with records_language():
            return f"{self.elder.name} {self.get_field_display()}：{self.proposed_display}"

    def get_absolute_url(self) -> str:
        return reverse("visits:registryproposal_list") + f"?q={self.elder.name}"
