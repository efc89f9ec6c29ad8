from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.accounts.actions import UNSCOPED_ROLES, UserData
from yiyang.accounts.models import User
from yiyang.accounts.roles import Role
from yiyang.areas.models import Area, AreaLevel
from yiyang.core.cells import CellError, parse_phone


class AreaMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Area) -> str:
        indent = "　" * max(0, obj.level - AreaLevel.DISTRICT)
        return f"{indent}{obj.name}"


def assignable_areas(manager: Any) -> Any:
    """Areas a manager may hand out: their own and everything below, district to grid."""
    return Area.objects.for_user(manager).filter(level__gte=AreaLevel.DISTRICT).order_by("path")


def _initial_password_help_text() -> str:
    # The validators' help texts are translated when called: build the whole text per request.
    return gettext("留空则由系统生成随机密码并只显示一次。用户首次登录时须修改密码。") + " ".join(
        password_validators_help_texts()
    )


_initial_password_help = lazy(_initial_password_help_text, str)


class UserForm(forms.Form):
    """新增/编辑用户. The password field appears on creation only; leave it empty to generate one."""

    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("登录名，一人一号，不得共用"),
    )
    last_name = forms.CharField(label=_("姓"), max_length=150)
    first_name = forms.CharField(label=_("名"), max_length=150, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=30, required=False)
    organisation = forms.CharField(label=_("单位"), max_length=100, required=False)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    areas = AreaMultipleChoiceField(
        label=_("辖区"),
        queryset=Area.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_("可多选（按住 Ctrl）。服务商人员可不分配辖区，其余角色至少一个。"),
    )
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)
    password = forms.CharField(
        label=_("初始密码"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_initial_password_help(),
    )

    def __init__(
        self, data: Any = None, files: Any = None, *, instance: User | None = None, user: Any
    ) -> None:
        self.instance = instance
        self.manager = user
        initial: dict[str, Any] | None = None
        if instance is not None:
            initial = {
                "username": instance.username,
                "last_name": instance.last_name,
                "first_name": instance.first_name,
                "phone": instance.phone,
                "organisation": instance.organisation,
                "role": instance.role,
                "areas": list(instance.assignments.values_list("area_id", flat=True)),
                "is_active": instance.is_active,
            }
        super().__init__(data, files, initial=initial)
        self.fields["areas"].queryset = assignable_areas(user)  # type: ignore[attr-defined]
        if user is None or not user.has_perm("accounts.grant_district_admin"):
            self.fields["role"].choices = [c for c in Role.choices if c[0] != Role.DISTRICT_ADMIN]  # type: ignore[attr-defined]
        if instance is not None:
            del self.fields["password"]

    def clean_phone(self) -> str:
        try:
            return parse_phone(self.cleaned_data["phone"]) or ""
        except CellError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        role, areas = cleaned.get("role"), cleaned.get("areas")
        if role and areas is not None and not areas and role not in UNSCOPED_ROLES:
            self.add_error("areas", gettext("角色“%(role)s”须至少分配一个辖区") % {"role": Role(role).label})
        return cleaned

    def to_data(self) -> UserData:
        c = self.cleaned_data
        return UserData(
            username=c["username"].strip(),
            last_name=c["last_name"].strip(),
            first_name=c["first_name"].strip(),
            role=c["role"],
            areas=list(c["areas"]),
            phone=c["phone"],
            organisation=c["organisation"].strip(),
            is_active=c["is_active"],
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=500, required=False)
