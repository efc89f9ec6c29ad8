from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.cards.choices import ClaimStatus, VoidReason
from yiyang.cards.models import CardRule, Claim, Enrolment, InsuranceRule
from yiyang.core.forms import ScopedModelForm

_DATE = forms.DateInput(attrs={"type": "date"})


class CardRuleForm(ScopedModelForm):
    class Meta:
        model = CardRule
        fields = [
            "name",
            "min_age",
            "hukou_local",
            "residence_permit",
            "validity_years",
            "valid_from",
            "valid_to",
            "basis",
        ]
        widgets = {"valid_from": _DATE, "valid_to": _DATE}


class InsuranceRuleForm(ScopedModelForm):
    class Meta:
        model = InsuranceRule
        fields = ["name", "premium", "tekun_paid", "dibao_paid", "paid_from_age", "target", "insurer", "valid_from",
                  "valid_to", "basis"]  # fmt: skip
        widgets = {"valid_from": _DATE, "valid_to": _DATE}


class IssueForm(forms.Form):
    permit_number = forms.CharField(label=_("居住证号"), max_length=30, required=False,
                                    help_text=_("非本地户籍老人凭本地居住证办理时填写"))  # fmt: skip
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class ReissueForm(forms.Form):
    reason = forms.ChoiceField(label=_("补换原因"), choices=VoidReason.choices)


def _areas(user: Any, levels: list[int]) -> Any:
    return Area.objects.for_user(user).filter(level__in=levels).order_by("path")


class BatchForm(forms.Form):
    community = forms.ModelChoiceField(label=_("社区"), queryset=Area.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = _areas(user, [AreaLevel.COMMUNITY])  # type: ignore[attr-defined]


class GenerateForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    area = forms.ModelChoiceField(label=_("区域"), queryset=Area.objects.none())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["area"].queryset = _areas(  # type: ignore[attr-defined]
            user, [AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY]
        )


class ClaimForm(ScopedModelForm):
    """A claim is reported against one of the elder's years of insurance (the elder comes from the
    elder's page, or from the claim being edited)."""

    class Meta:
        model = Claim
        fields = ["enrolment", "number", "kind", "occurred_on", "description", "claimed"]
        widgets = {"occurred_on": _DATE}

    def __init__(self, *args: Any, elder_id: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            elder_id = self.instance.elder_id
        field = self.fields["enrolment"]
        field.queryset = field.queryset.filter(elder_id=elder_id or 0)  # type: ignore[attr-defined]
        if self.instance.pk and self.instance.status != ClaimStatus.REPORTED:
            for name in self.fields:
                self.fields[name].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        enrolment: Enrolment | None = data.get("enrolment")
        occurred = data.get("occurred_on")
        if enrolment is not None and occurred is not None and occurred.year != enrolment.year:
            self.add_error("occurred_on", _("出险日期不在该参保年度内"))
        return data


class DecideForm(forms.Form):
    status = forms.ChoiceField(label=_("结论"), choices=[(ClaimStatus.PAID, ClaimStatus.PAID.label),
                                                       (ClaimStatus.REJECTED, ClaimStatus.REJECTED.label)])  # fmt: skip
    paid = forms.DecimalField(
        label=_("赔付金额（元）"), max_digits=10, decimal_places=2, required=False, min_value=0
    )
