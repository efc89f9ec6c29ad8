from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from yiyang.accounts.models import AreaAssignment, User
from yiyang.accounts.roles import Role
from yiyang.accounts.selectors import with_lock_state
from yiyang.areas.models import Area, AreaLevel

_YES_NO = [("true", _("是")), ("false", _("否"))]


class UserFilterSet(django_filters.FilterSet):
    """The account list: search by username, name or phone; filter by role, area, status, lockout."""

    q = django_filters.CharFilter(label=_("搜索"), method="filter_q")
    role = django_filters.ChoiceFilter(label=_("角色"), choices=Role.choices)
    area = django_filters.ModelChoiceFilter(
        label=_("辖区"), queryset=Area.objects.none(), method="filter_area", to_field_name="path"
    )
    is_active = django_filters.ChoiceFilter(
        label=_("启用"),
        choices=_YES_NO,
        method="filter_active",
        empty_label=_("全部"),
    )
    locked = django_filters.ChoiceFilter(
        label=_("已锁定"), choices=_YES_NO, method="filter_locked", empty_label=_("全部")
    )

    class Meta:
        model = User
        fields = ["q", "role", "area", "is_active", "locked"]

    def __init__(self, data: Any = None, *args: Any, request: Any = None, **kwargs: Any) -> None:
        super().__init__(data, *args, request=request, **kwargs)
        user = request.user if request is not None else None
        if user is not None:
            self.filters["area"].queryset = Area.objects.for_user(user).filter(
                level__in=[AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY]
            )

    def filter_q(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        value = "".join(value.split())
        if not value:
            return qs
        return qs.annotate(_full_name=Concat("last_name", "first_name")).filter(
            Q(username__icontains=value) | Q(_full_name__icontains=value) | Q(phone__contains=value)
        )

    def filter_area(self, qs: QuerySet[User], name: str, value: Area | None) -> QuerySet[User]:
        if not value:
            return qs
        inside = AreaAssignment.objects.filter(user=OuterRef("pk"), area__path__startswith=value.path)
        return qs.filter(Exists(inside))

    def filter_active(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        return qs.filter(is_active=value == "true")

    def filter_locked(self, qs: QuerySet[User], name: str, value: str) -> QuerySet[User]:
        if "locked" not in qs.query.annotations:
            qs = with_lock_state(qs)
        return qs.filter(Q(locked=value == "true"))
