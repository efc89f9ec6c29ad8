from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.core.forms import ScopedModelForm
from yiyang.visits.choices import CampaignStatus, GiftKind
from yiyang.visits.models import Campaign, Contributor, VisitRule


class VisitRuleForm(ScopedModelForm):
    class Meta:
        model = VisitRule
        fields = [
            "name", "rank", "min_age", "living_situation", "category", "min_capability", "cycle", "trigger",
            "within_days", "escalate_after_days", "valid_from", "valid_to", "note",
        ]  # fmt: skip
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cycle") == "event" and not data.get("trigger"):
            self.add_error("trigger", _("事件后走访须选择触发事件"))
        return data


class GenerateForm(forms.Form):
    area = forms.ModelChoiceField(label=_("区域"), queryset=Area.objects.none())
    month = forms.CharField(label=_("月份"), max_length=7, help_text=_("例如 2026-12"),
                            widget=forms.TextInput(attrs={"type": "month"}))  # fmt: skip

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["area"]
        field.queryset = Area.objects.for_user(user).filter(
            level__in=[AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY]
        )


class CampaignForm(ScopedModelForm):
    class Meta:
        model = Campaign
        fields = ["name", "festival", "area", "budget", "standard", "target_rules", "start_date", "end_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_rules": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        area: Any = self.fields["area"]
        area.queryset = area.queryset.filter(level__in=[AreaLevel.DISTRICT, AreaLevel.STREET])
        rules: Any = self.fields["target_rules"]
        rules.queryset = VisitRule.objects.exclude(cycle="event")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期"))
        return data


class ContributorForm(ScopedModelForm):
    class Meta:
        model = Contributor
        fields = ["name", "kind", "contact"]


class ContributionForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("慰问活动"), queryset=Campaign.objects.none())
    contributor = forms.ModelChoiceField(label=_("慰问单位"), queryset=Contributor.objects.none())
    id_number = forms.CharField(label=_("老人身份证号"), max_length=18)
    kind = forms.ChoiceField(label=_("形式"), choices=GiftKind.choices)
    description = forms.CharField(label=_("慰问内容"), max_length=100, help_text=_("如：慰问金、米油礼包"))
    amount = forms.DecimalField(
        label=_("金额/折价（元）"), max_digits=10, decimal_places=2, min_value=Decimal("0.01")
    )
    override_reason = forms.CharField(label=_("超标准/超预算事由"), max_length=200, required=False,
                                      help_text=_("仅在确需超出时填写，将记入审计"))  # fmt: skip

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        campaign: Any = self.fields["campaign"]
        campaign.queryset = Campaign.objects.for_user(user).filter(status=CampaignStatus.COLLECTING)
        contributor: Any = self.fields["contributor"]
        contributor.queryset = Contributor.objects.for_user(user)
        own = list(contributor.queryset[:2])
        if len(own) == 1:  # a department's staff register for their own department
            contributor.initial = own[0].pk
            contributor.empty_label = None
