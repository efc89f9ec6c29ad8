"""The rules in force when the module arrives: cards for everyone from 60 with local 户籍 or a
residence permit, without expiry; the province's accident insurance at 30 元 a head, paid by the
government for 特困, 低保 and from 80, with a county coverage target of 50%. Both are edited as data."""

import datetime
from decimal import Decimal

from django.db import migrations


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    CardRule = apps.get_model("cards", "CardRule")
    InsuranceRule = apps.get_model("cards", "InsuranceRule")
    if not CardRule.objects.exists():
        CardRule.objects.create(
            name="年满60周岁本地户籍或持本地居住证老人", min_age=60, hukou_local=True, residence_permit=True,
            validity_years=None, valid_from=datetime.date(2020, 1, 1),
            basis="《中华人民共和国老年人权益保障法》；省老年人优待办法",
        )
    if not InsuranceRule.objects.exists():
        InsuranceRule.objects.create(
            name="银龄安康工程（政府代缴特困、低保、80周岁以上）", premium=Decimal("30.00"), tekun_paid=True,
            dibao_paid=True, paid_from_age=80, target=Decimal("50.00"), insurer="",
            valid_from=datetime.date(2024, 1, 1), basis="省银龄安康工程实施方案",
        )


def unload(apps, schema_editor):  # type: ignore[no-untyped-def]
    return None


class Migration(migrations.Migration):
    dependencies = [("cards", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
