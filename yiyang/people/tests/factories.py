"""Factories for the registry.

They write rows directly (no audit, no statistics), with valid, unique ID numbers and consistent
derived fields: sex and birth date come from the ID number, pinyin from the name, and a
certification refreshes its elder's ``categories`` as the actions do. Tests of behaviour that the
actions own (audit rows, statistics) call the actions instead; see :func:`register_elder`.
"""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from yiyang.areas.models import Area
from yiyang.core.idnumber import parse_id_number
from yiyang.core.testing import build_areas, new_id_number, next_number
from yiyang.people import actions
from yiyang.people.certifications import categories_on
from yiyang.people.choices import ContactRelation, EconomicCategory, LivingSituation
from yiyang.people.models import Certification, Elder, ElderContact

# Three characters from fixed lists: unique per sequence number, and no name is part of another.
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_GIVEN = "秀英桂兰玉珍凤华建国明德福春梅淑芳永强金"


def unique_name(n: int) -> str:
    s, g = len(_SURNAMES), len(_GIVEN)
    return _SURNAMES[n % s] + _GIVEN[(n // s) % g] + _GIVEN[(n // (s * g)) % g]


def default_area() -> Area:
    return build_areas().community_a1


class ElderFactory(DjangoModelFactory[Elder]):
    """``ElderFactory(area=..., age=82, sex="F", phone="13912345678", health="高血压")``."""

    class Meta:
        model = Elder
        exclude = ("age",)

    age = 75
    sex = factory.Iterator(["M", "F"])
    id_number = factory.LazyAttribute(lambda o: new_id_number(age=o.age, sex=o.sex))
    birth_date = factory.LazyAttribute(lambda o: parse_id_number(o.id_number).birth_date)
    name = factory.LazyFunction(lambda: unique_name(next_number()))
    phone = factory.LazyFunction(lambda: f"139{next_number() % 10**8:08d}")
    health = ""
    area = factory.LazyFunction(default_area)
    address = "金沙镇人民路1号"
    living_situation = LivingSituation.WITH_FAMILY

    @classmethod
    def _create(cls, model_class: type[Elder], *args: Any, **kwargs: Any) -> Elder:
        id_number, phone, health = kwargs.pop("id_number"), kwargs.pop("phone"), kwargs.pop("health")
        parsed = parse_id_number(id_number)
        kwargs["sex"], kwargs["birth_date"] = parsed.sex, parsed.birth_date
        assert not args  # no positional fields (Meta.inline_args): the model's own constructor by name
        elder = model_class(**kwargs)
        elder.set_id_number(parsed)
        elder.set_name(elder.name)
        if phone:
            elder.set_phone(phone)
        if health:
            elder.set_health(health)
        elder.save()
        return elder


class CertificationFactory(DjangoModelFactory[Certification]):
    class Meta:
        model = Certification

    elder = factory.SubFactory(ElderFactory)
    category = EconomicCategory.DIBAO
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    valid_to = None
    certified_by = "通州区民政局"
    document_no = factory.Sequence(lambda n: f"通民〔2025〕{n}号")

    @classmethod
    def _create(cls, model_class: type[Certification], *args: Any, **kwargs: Any) -> Certification:
        cert: Certification = super()._create(model_class, *args, **kwargs)
        elder = cert.elder
        elder.categories = categories_on(elder, timezone.localdate())
        elder.save(update_fields=["categories"])
        return cert


class ContactFactory(DjangoModelFactory[ElderContact]):
    class Meta:
        model = ElderContact

    elder = factory.SubFactory(ElderFactory)
    name = factory.LazyFunction(lambda: unique_name(next_number()))
    relation = ContactRelation.CHILD
    phone = factory.LazyFunction(lambda: f"137{next_number() % 10**8:08d}")
    priority = 1

    @classmethod
    def _create(cls, model_class: type[ElderContact], *args: Any, **kwargs: Any) -> ElderContact:
        phone = kwargs.pop("phone")
        assert not args
        contact = model_class(**kwargs)
        if phone:
            contact.set_phone(phone)
        contact.save()
        return contact


def elder_data(area: Area, **overrides: Any) -> actions.ElderData:
    """Valid input for elder_create / elder_update."""
    age, sex = overrides.pop("age", 75), overrides.pop("sex", "M")
    raw = overrides.pop("id_number", None) or new_id_number(age=age, sex=sex)
    values: dict[str, Any] = {
        "id_number": parse_id_number(raw),
        "name": unique_name(next_number()),
        "area": area,
        "phone": f"138{next_number() % 10**8:08d}",
    }
    values.update(overrides)
    return actions.ElderData(**values)


def register_elder(actor: Any, area: Area, **overrides: Any) -> Elder:
    """An elder registered through the action, as the pages do: audited and counted."""
    return actions.elder_create(data=elder_data(area, **overrides), actor=actor)


# -- checks ------------------------------------------------------------------------------------------

_MEASURES = ("total", "alone", "empty_nest", "gugua", "dibao", "tekun", "disabled")


def maintained_stats() -> dict[tuple[str, int, str], tuple[int, ...]]:
    """The ElderStat cells as kept by the actions (cells that dropped to zero are left out)."""
    from yiyang.people.models import ElderStat

    cells = {}
    for row in ElderStat.objects.values("area_path", "bracket", "sex", *_MEASURES):
        counts = tuple(row[m] for m in _MEASURES)
        if any(counts):
            cells[(row["area_path"], row["bracket"], row["sex"])] = counts
    return cells


def fresh_stats() -> dict[tuple[str, int, str], tuple[int, ...]]:
    """The same cells from a fresh GROUP BY over the elders (stats.stat_cells), without touching ElderStat."""
    from yiyang.people.stats import stat_cells

    return {
        (row["area_path"], int(row["bracket"]), row["sex"]): tuple(row[m] for m in _MEASURES)
        for row in stat_cells(Elder.objects.all(), timezone.localdate())
    }


def assert_stats_match() -> None:
    assert maintained_stats() == fresh_stats()
