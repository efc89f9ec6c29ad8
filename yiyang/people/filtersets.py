from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.core.scoping import path_range_q
from yiyang.core.widgets import LongSelect
from yiyang.people.choices import AgeBracket, EconomicCategory, ElderStatus, LivingSituation, Sex
from yiyang.people.models import Elder
from yiyang.people.selectors import elder_search, validate_search_term
from yiyang.people.stats import birth_cutoff, birth_range

MAX_AGE = 150


class ElderFilterSet(django_filters.FilterSet):
    """One filter for the list page, the export, the API and the dashboard's links."""

    q = django_filters.CharFilter(label=_("搜索"), method="filter_q", validators=[validate_search_term])
    area = django_filters.ModelChoiceFilter(
        label=_("区域"),
        queryset=Area.objects.none(),
        method="filter_area",
        to_field_name="path",
        widget=LongSelect(label_field="name"),  # str(area) is its name
    )
    sex = django_filters.ChoiceFilter(label=_("性别"), choices=Sex.choices, widget=LongSelect)
    age_bracket = django_filters.ChoiceFilter(
        label=_("年龄段"), choices=AgeBracket.choices, method="filter_bracket", widget=LongSelect
    )
    # Bounded: an age past the calendar's range was a server error, not an empty list.
    age_min = django_filters.NumberFilter(
        label=_("最小年龄"), method="filter_age_min", min_value=0, max_value=MAX_AGE
    )
    age_max = django_filters.NumberFilter(
        label=_("最大年龄"), method="filter_age_max", min_value=0, max_value=MAX_AGE
    )
    living_situation = django_filters.ChoiceFilter(
        label=_("居住情况"), choices=LivingSituation.choices, widget=LongSelect
    )
    category = django_filters.ChoiceFilter(
        label=_("经济类别"), choices=EconomicCategory.choices, method="filter_category", widget=LongSelect
    )
    disabled = django_filters.BooleanFilter(label=_("失能"), method="filter_disabled")
    hukou_local = django_filters.BooleanFilter(label=_("本区户籍"))
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[*ElderStatus.choices, ("all", _("全部"))],
        method="filter_status",
        empty_label=None,
        widget=LongSelect,
    )

    class Meta:
        model = Elder
        fields = ["q", "area", "sex", "age_bracket", "living_situation", "category", "status"]

    def __init__(self, data: Any = None, *args: Any, request: Any = None, **kwargs: Any) -> None:
        if data is not None:
            data = data.copy()
            data.setdefault("status", ElderStatus.LIVING)
        super().__init__(data, *args, request=request, **kwargs)
        user = request.user if request is not None else None
        if user is not None:
            self.filters["area"].queryset = Area.objects.for_user(user).filter(
                level__in=[AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY, AreaLevel.GRID]
            )

    @property
    def qs(self) -> QuerySet[Elder]:
        if not self.is_bound:
            return self.queryset.filter(status=ElderStatus.LIVING)
        return super().qs

    def filter_q(self, qs: QuerySet[Elder], name: str, value: str) -> QuerySet[Elder]:
        return elder_search(qs, value)

    def filter_area(self, qs: QuerySet[Elder], name: str, value: Area | None) -> QuerySet[Elder]:
        if not value:
            return qs
        # the range too: the list's index (elder_list_order_idx) reads just the area's entries
        return qs.filter(path_range_q("area_path", [value.path]), area_path__startswith=value.path)

    def filter_bracket(self, qs: QuerySet[Elder], name: str, value: str) -> QuerySet[Elder]:
        earliest, latest = birth_range(AgeBracket(int(value)), timezone.localdate())
        qs = qs.filter(birth_date__lte=latest)
        return qs.filter(birth_date__gt=earliest) if earliest else qs

    def filter_age_min(self, qs: QuerySet[Elder], name: str, value: float) -> QuerySet[Elder]:
        return qs.filter(birth_date__lte=birth_cutoff(timezone.localdate(), int(value)))

    def filter_age_max(self, qs: QuerySet[Elder], name: str, value: float) -> QuerySet[Elder]:
        return qs.filter(birth_date__gt=birth_cutoff(timezone.localdate(), int(value) + 1))

    def filter_category(self, qs: QuerySet[Elder], name: str, value: str) -> QuerySet[Elder]:
        return qs.filter(categories__contains=value)

    def filter_disabled(self, qs: QuerySet[Elder], name: str, value: bool | None) -> QuerySet[Elder]:
        if value is None:
            return qs
        q = Q(capability_level__gte=1)
        return qs.filter(q) if value else qs.exclude(q)

    def filter_status(self, qs: QuerySet[Elder], name: str, value: str) -> QuerySet[Elder]:
        return qs if value == "all" else qs.filter(status=value)
