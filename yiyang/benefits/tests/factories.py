"""Benefits test data: elders born on exact days, the three demo programmes with their rates."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from yiyang.areas.models import Area
from yiyang.benefits.choices import ProgrammeKind, StartRule
from yiyang.benefits.models import Programme, RateRule
from yiyang.core.idnumber import make_id_number, parse_id_number
from yiyang.core.testing import build_areas, next_number
from yiyang.people.models import Certification, Elder
from yiyang.people.pinyin import name_pinyin
from yiyang.people.tests.factories import unique_name

RULES_FROM = datetime.date(2020, 1, 1)


def elder_born(birth: datetime.date, area: Area | None = None, **extra: Any) -> Elder:
    n = next_number()
    parsed = parse_id_number(make_id_number("320612", birth, (2 * n + 1) % 1000))
    elder = Elder(
        name=extra.pop("name", None) or unique_name(n),
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        area=area or build_areas().community_a1,
        **extra,
    )
    elder.set_id_number(parsed)
    elder.name_pinyin, elder.name_initials = name_pinyin(elder.name)
    elder.save()
    return elder


def certify(
    elder: Elder, category: str, valid_from: datetime.date, valid_to: datetime.date | None = None
) -> Certification:
    return Certification.objects.create(
        elder=elder, category=category, valid_from=valid_from, valid_to=valid_to
    )


def longevity(start_rule: str = StartRule.SAME_MONTH, **extra: Any) -> Programme:
    programme = Programme.objects.create(
        code="gaoling",
        name="高龄津贴",
        kind=ProgrammeKind.AGE_TIER,
        start_rule=start_rule,
        requires_qualification_check=extra.pop("requires_qualification_check", False),
        **extra,
    )
    for lo, hi, amount in ((80, 89, "100"), (90, 99, "500"), (100, None, "800")):
        RateRule.objects.create(
            programme=programme, age_from=lo, age_to=hi, amount=Decimal(amount), valid_from=RULES_FROM
        )
    return programme


def service_subsidy() -> Programme:
    programme = Programme.objects.create(
        code="fuwu",
        name="养老服务补贴",
        kind=ProgrammeKind.CATEGORY,
        start_rule=StartRule.SAME_MONTH,
        requires_qualification_check=False,
    )
    for category, amount in (("dibao", "300"), ("dibian", "200")):
        RateRule.objects.create(
            programme=programme, category=category, amount=Decimal(amount), valid_from=RULES_FROM
        )
    return programme


def care_subsidy() -> Programme:
    programme = Programme.objects.create(
        code="huli",
        name="护理补贴",
        kind=ProgrammeKind.CARE_LEVEL,
        start_rule=StartRule.SAME_MONTH,
        requires_qualification_check=False,
    )
    for level, amount in ((2, "200"), (3, "400"), (4, "600")):
        RateRule.objects.create(
            programme=programme, level=level, amount=Decimal(amount), valid_from=RULES_FROM
        )
    return programme
