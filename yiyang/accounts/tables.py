from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from yiyang.accounts.actions import must_change_password
from yiyang.accounts.models import User
from yiyang.core.links import record_url


def area_names(user: User) -> str:
    """From the prefetched assignments: no query per row."""
    return "、".join(a.area.name for a in sorted(user.assignments.all(), key=lambda a: a.area.path))


def password_age(user: User) -> str:
    if must_change_password(user):
        return gettext("待首次修改")
    return gettext("%(days)s 天") % {"days": (timezone.now() - user.password_changed_at).days}


class UserTable(tables.Table):
    username = tables.Column(_("用户名"))
    name = tables.Column(_("姓名"), accessor="last_name", order_by=("last_name", "first_name"))
    role = tables.Column(_("角色"))
    areas = tables.Column(_("辖区"), empty_values=(), orderable=False)
    last_login = tables.DateTimeColumn(
        verbose_name=pgettext_lazy("time of last login", "最近登录"), format="Y-m-d H:i"
    )
    password_changed_at = tables.Column(_("密码已用"), order_by=("-password_changed_at",))
    is_active = tables.Column(_("状态"))
    locked = tables.Column(_("锁定"), empty_values=())

    class Meta:
        model = User
        fields = ()
        sequence = (
            "username",
            "name",
            "role",
            "areas",
            "last_login",
            "password_changed_at",
            "is_active",
            "locked",
        )
        attrs = {"class": "table table-sm table-hover align-middle"}
        empty_text = _("没有符合条件的用户")
        order_by = ("username",)

    def render_username(self, record: User) -> Any:
        return format_html(
            '<a href="{}">{}</a>', record_url("accounts:user_detail", record.pk), record.username
        )

    def render_name(self, record: User) -> str:
        return record.get_full_name()

    def render_areas(self, record: User) -> str:
        return area_names(record) or gettext("（不限区域）")

    def render_password_changed_at(self, record: User) -> str:
        return password_age(record)

    def render_is_active(self, record: User) -> Any:
        if record.is_active:
            return format_html('<span class="badge text-bg-success">{}</span>', gettext("启用"))
        return format_html(
            '<span class="badge text-bg-secondary">{}</span>', pgettext("account status", "停用")
        )

    def render_locked(self, record: User) -> Any:
        if getattr(record, "locked", False):
            return format_html('<span class="badge text-bg-danger">{}</span>', gettext("已锁定"))
        return "—"
