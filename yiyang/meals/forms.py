from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.accounts.models import User
from yiyang.accounts.roles import roles_with
from yiyang.areas.models import AreaLevel
from yiyang.core.forms import ScopedModelForm
from yiyang.core.scoping import is_member
from yiyang.meals.models import Canteen, Menu


class CanteenForm(ScopedModelForm):
    class Meta:
        model = Canteen
        fields = [
            "name",
            "kind",
            "area",
            "address",
            "latitude",
            "longitude",
            "operator",
            "phone",
            "seats",
            "is_active",
        ]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        area_field: Any = self.fields["area"]
        area_field.queryset = area_field.queryset.filter(level=AreaLevel.COMMUNITY)


class MenuForm(ScopedModelForm):
    class Meta:
        model = Menu
        fields = ["canteen", "date", "slot", "dishes", "price"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}


class CanteenMemberForm(forms.Form):
    """An account added to a canteen's counter staff: only 服务商人员 accounts (no canteen-operator role)."""

    user = forms.ModelChoiceField(label=_("账号"), queryset=User.objects.none(), empty_label=_("请选择账号"))

    def __init__(self, *args: Any, canteen: Canteen | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.canteen = canteen
        user: Any = self.fields["user"]
        user.queryset = User.objects.filter(
            role__in=roles_with("meals.join_canteen"), is_active=True
        ).order_by("username")
        user.label_from_instance = lambda u: f"{u.username}（{u}）" if str(u) != u.username else u.username
        user.error_messages["invalid_choice"] = gettext("只能添加角色为“服务商人员”的有效账号")

    def clean_user(self) -> Any:
        user = self.cleaned_data["user"]
        if self.canteen is not None and is_member(user, self.canteen):
            raise forms.ValidationError(
                gettext("%(user)s 已是 %(canteen)s 的工作人员") % {"user": user, "canteen": self.canteen}
            )
        return user
