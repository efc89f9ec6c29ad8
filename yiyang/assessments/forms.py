from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import AreaLevel
from yiyang.assessments import scoring
from yiyang.assessments.actions import AssessmentData
from yiyang.assessments.choices import Reason, Scheme
from yiyang.assessments.models import Assessment, ScoringConfig
from yiyang.core.forms import ScopedModelForm

RISK_CHOICES = [(0, _("无")), (1, _("1次")), (2, _("2次")), (3, _("3次及以上"))]


def risk_field_name(kind: str) -> str:
    return f"risk_{kind}"


class AssessmentForm(forms.Form):
    """The assessment sheet: basic facts, the items of one scheme as radio buttons, the C.4 questions.

    Item fields are named by their code (``B.1.1``); an unanswered item is allowed in a draft.
    """

    scheme = forms.ChoiceField(label=_("评估标准"), choices=Scheme.choices, widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("评估原因"), choices=Reason.choices)
    assessed_on = forms.DateField(label=_("评估日期"), widget=forms.DateInput(attrs={"type": "date"}))
    organisation = forms.CharField(label=_("评估机构"), max_length=100)
    assessor_name = forms.CharField(label=_("评估员"), max_length=50)
    assessor2_name = forms.CharField(label=_("第二评估员"), max_length=50, required=False)
    coma = forms.BooleanField(label=_("处于昏迷状态（A.5.11）"), required=False)
    dementia = forms.BooleanField(label=_("确诊痴呆（F00–F03）"), required=False)
    mental_disorder = forms.BooleanField(
        label=_("精神科专科医生诊断的其他精神和行为障碍（F04–F99）"), required=False
    )
    notes = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, scheme: str = Scheme.GB42195, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scheme_code: str = str(self.data.get("scheme", scheme)) if self.is_bound else str(scheme)
        if self.scheme_code not in scoring.SCHEMES:
            self.scheme_code = Scheme.GB42195
        self.fields["scheme"].initial = self.scheme_code
        for kind, label in scoring.RISK_EVENT_TYPES.items():
            self.fields[risk_field_name(kind)] = forms.TypedChoiceField(
                label=label, choices=RISK_CHOICES, coerce=int, initial=0
            )
        for item in scoring.items_for(self.scheme_code):
            self.fields[item.code] = forms.TypedChoiceField(
                label=item.label,
                choices=[
                    (score, gettext("%(score)s分 %(text)s") % {"score": score, "text": text})
                    for score, text in item.options
                ],
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
            )

    @classmethod
    def initial_for(cls, assessment: Assessment | None, user: Any) -> dict[str, Any]:
        if assessment is None:
            return {
                "assessed_on": timezone.localdate(),
                "assessor_name": user.get_full_name() or user.get_username(),
                "reason": Reason.FIRST,
            }
        initial: dict[str, Any] = {
            "scheme": assessment.scheme,
            "reason": assessment.reason,
            "assessed_on": assessment.assessed_on,
            "organisation": assessment.organisation,
            "assessor_name": assessment.assessor_name,
            "assessor2_name": assessment.assessor2_name,
            "coma": assessment.coma,
            "dementia": assessment.dementia,
            "mental_disorder": assessment.mental_disorder,
            "notes": assessment.notes,
        }
        for kind, name in Assessment.RISK_FIELDS.items():
            initial[risk_field_name(kind)] = getattr(assessment, name)
        initial.update(assessment.answers or {})
        return initial

    def groups(self) -> list[tuple[scoring.Group, list[forms.BoundField]]]:
        """Item fields grouped by first-level indicator, for the template."""
        return [
            (
                group,
                [self[item.code] for item in scoring.items_for(self.scheme_code) if item.group == group.code],
            )
            for group in scoring.groups_for(self.scheme_code)
        ]

    def risk_fields(self) -> list[forms.BoundField]:
        return [self[risk_field_name(kind)] for kind in scoring.RISK_EVENT_TYPES]

    def answers(self) -> dict[str, int | None]:
        return {item.code: self.cleaned_data.get(item.code) for item in scoring.items_for(self.scheme_code)}

    def risk_events(self) -> dict[str, int]:
        return {
            kind: int(self.cleaned_data.get(risk_field_name(kind)) or 0) for kind in scoring.RISK_EVENT_TYPES
        }

    def to_data(self, user: Any) -> AssessmentData:
        d = self.cleaned_data
        return AssessmentData(
            scheme=self.scheme_code,
            reason=d["reason"],
            assessed_on=d["assessed_on"],
            organisation=d["organisation"],
            assessor_name=d["assessor_name"],
            assessor2_name=d.get("assessor2_name", ""),
            assessor=user,
            answers=self.answers(),
            coma=bool(d.get("coma")),
            dementia=bool(d.get("dementia")),
            mental_disorder=bool(d.get("mental_disorder")),
            risk_events=self.risk_events(),
            notes=d.get("notes", ""),
        )


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("作废原因"), min_length=2, max_length=200)


class ScoringConfigForm(ScopedModelForm):
    class Meta:
        model = ScoringConfig
        fields = [
            "area",
            "valid_from",
            "coma_level",
            "raises_add_up",
            "risk_counting",
            "risk_threshold",
            "reassessment_months",
            "reminder_days",
            "note",
        ]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        area_field: Any = self.fields["area"]
        area_field.queryset = area_field.queryset.filter(level__in=[AreaLevel.DISTRICT, AreaLevel.STREET])
        self.fields["reassessment_months"].validators.append(_between(1, 60))
        self.fields["risk_threshold"].validators.append(_between(1, 10))


def _between(low: int, high: int) -> Any:
    def check(value: int) -> None:
        if not low <= value <= high:
            raise forms.ValidationError(gettext("应为 %(low)s–%(high)s") % {"low": low, "high": high})

    return check
