from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.forms import HiddenInput
from django.utils.translation import gettext_lazy as _

from yiyang.cards.choices import CardBasis, CardStatus, ClaimKind, ClaimStatus, InsuredGroup, Payer
from yiyang.cards.models import Card, CardRule, Claim, Enrolment, InsuranceRule
from yiyang.people.models import Elder
from yiyang.people.selectors import elder_search_q, validate_search_term


def _area_filter() -> django_filters.CharFilter:
    # the area a dashboard figure links from: a prefix of the record's area path
    return django_filters.CharFilter(
        label=_("区域"), field_name="area_path", lookup_expr="startswith", widget=HiddenInput
    )


def _elders(value: str) -> QuerySet[Elder]:
    """The elders a search box names (name, pinyin, ID or phone suffix): a subquery, not a join."""
    return Elder.objects.filter(elder_search_q(value)).values("id")  # type: ignore[return-value]


class CardFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("证号/姓名"), method="filter_q", validators=[validate_search_term])
    area = _area_filter()
    status = django_filters.ChoiceFilter(label=_("状态"), choices=CardStatus.choices)
    basis = django_filters.ChoiceFilter(label=_("办理依据"), choices=CardBasis.choices)

    class Meta:
        model = Card
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Card], name: str, value: str) -> QuerySet[Card]:
        value = value.strip()
        if not value:
            return qs
        if value.isdigit() and len(value) > 12:
            return qs.filter(number__startswith=value)
        return qs.filter(elder__in=_elders(value))


class EnrolmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("姓名/身份证号"), method="filter_q", validators=[validate_search_term]
    )
    year = django_filters.NumberFilter(label=_("年度"))
    area = _area_filter()
    payer = django_filters.ChoiceFilter(label=_("缴费方式"), choices=Payer.choices)
    group = django_filters.ChoiceFilter(label=_("参保类别"), choices=InsuredGroup.choices)
    living = django_filters.BooleanFilter(label=_("在册"), field_name="elder_living", widget=HiddenInput)

    class Meta:
        model = Enrolment
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Enrolment], name: str, value: str) -> QuerySet[Enrolment]:
        value = value.strip()
        return qs.filter(elder__in=_elders(value)) if value else qs


class ClaimFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("报案号/姓名"), method="filter_q")
    area = _area_filter()
    kind = django_filters.ChoiceFilter(label=_("理赔类型"), choices=ClaimKind.choices)
    status = django_filters.ChoiceFilter(label=_("状态"), choices=ClaimStatus.choices)

    class Meta:
        model = Claim
        fields: list[str] = []

    def filter_q(self, qs: QuerySet[Claim], name: str, value: str) -> QuerySet[Claim]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(number=value) | Q(elder__in=_elders(value)))


class CardRuleFilterSet(django_filters.FilterSet):
    class Meta:
        model = CardRule
        fields: list[str] = []


class InsuranceRuleFilterSet(django_filters.FilterSet):
    class Meta:
        model = InsuranceRule
        fields: list[str] = []
