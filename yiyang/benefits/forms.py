from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.benefits.choices import AdjustmentKind, CheckChannel, LifeEventKind
from yiyang.benefits.dates import parse_month
from yiyang.benefits.models import Budget, ElderBankAccount, PaymentRoll, Programme
from yiyang.core.forms import ScopedModelForm


def scoped_roll_areas(user: Any) -> Any:
    return (
        Area.objects.for_user(user).filter(level__in=[AreaLevel.DISTRICT, AreaLevel.STREET]).order_by("path")
    )


class MonthField(forms.CharField):
    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc


class RollGenerateForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("项目"), queryset=Programme.objects.filter(active=True))
    area = forms.ModelChoiceField(label=_("区域"), queryset=Area.objects.none())
    month = MonthField(
        label=_("发放月份"), help_text=_("如 2026-12"), widget=forms.TextInput(attrs={"type": "month"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = scoped_roll_areas(user)  # type: ignore[attr-defined]


class RateChangeForm(forms.Form):
    amount = forms.DecimalField(
        label=_("新标准（元/月）"), max_digits=12, decimal_places=2, min_value=Decimal(0)
    )
    valid_from = MonthField(
        label=_("生效月份"), help_text=_("自该月1日起执行"), widget=forms.TextInput(attrs={"type": "month"})
    )
    note = forms.CharField(label=_("依据/文号"), max_length=200, required=False)


class CertifyForm(forms.Form):
    certified_on = forms.DateField(label=_("认证日期"), widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("认证方式"), choices=CheckChannel.choices)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class LifeEventUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("名单类型"), choices=LifeEventKind.choices)
    source = forms.CharField(label=_("来源"), max_length=50, help_text=_("公安、殡葬、卫健 …"))
    file = forms.FileField(
        label=_("文件"), help_text=_(".xlsx / .xls / .csv；列：身份证号、姓名、出生日期、死亡（迁出）日期")
    )


class BankAccountForm(forms.Form):
    bank_name = forms.CharField(label=_("开户银行"), max_length=50)
    holder_name = forms.CharField(label=_("户名"), max_length=50)
    number = forms.CharField(label=_("账号"), max_length=40, help_text=_("保存后仅显示脱敏账号"))

    def __init__(self, *args: Any, account: ElderBankAccount | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if account is not None:
            # The stored number is never put into the page: an empty input keeps it.
            number = self.fields["number"]
            number.required = False
            number.widget.attrs["placeholder"] = gettext("%(hint)s（留空不修改）") % {
                "hint": account.account_masked
            }
            number.help_text = gettext("为保护个人信息，原账号不在此显示；留空表示不修改。")


class BudgetForm(ScopedModelForm):
    class Meta:
        model = Budget
        fields = ["programme", "area", "year", "amount"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["area"].queryset = scoped_roll_areas(user)  # type: ignore[attr-defined]


class SuspensionForm(forms.Form):
    programme = forms.ModelChoiceField(
        label=_("项目"),
        queryset=Programme.objects.filter(active=True),
        required=False,
        empty_label=_("全部项目"),
    )
    from_month = MonthField(
        label=_("暂停起始月"), help_text=_("如 2026-12"), widget=forms.TextInput(attrs={"type": "month"})
    )
    pays_arrears = forms.BooleanField(label=_("恢复后补发暂停期间的补贴"), required=False, initial=False)
    notice = forms.CharField(
        label=_("暂停原因"),
        help_text=_("将打印在暂停发放告知书上"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResumeForm(forms.Form):
    month = MonthField(
        label=_("恢复发放月"),
        help_text=_("自该月起恢复发放"),
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class AdjustmentForm(forms.Form):
    """补发 / 扣减 / 更正 in a draft roll. The elder is fixed by the page (from the elder's page or
    a line of an approved roll) or found here by ID number."""

    roll = forms.ModelChoiceField(label=_("记入花名册（草稿）"), queryset=PaymentRoll.objects.none())
    id_number = forms.CharField(label=_("身份证号"), max_length=20, required=False)
    kind = forms.ChoiceField(label=_("调整类型"), choices=AdjustmentKind.choices)
    corrects_month = MonthField(
        label=_("所调整的月份"),
        help_text=_("该月花名册须已审批"),
        widget=forms.TextInput(attrs={"type": "month"}),
    )
    amount = forms.DecimalField(
        label=_("金额（元）"),
        max_digits=12,
        decimal_places=2,
        help_text=_("补发、扣减填正数；更正可填负数（少发为正、多发为负）"),
    )
    reason = forms.CharField(label=_("原因"), max_length=80)

    def __init__(self, *args: Any, rolls: Any, elder_fixed: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["roll"].queryset = rolls  # type: ignore[attr-defined]
        if elder_fixed:
            del self.fields["id_number"]
        else:
            self.fields["id_number"].required = True
