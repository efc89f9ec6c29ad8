"""Numbers as people read them: one table of cases for the Python rules, the template filters, the
table columns, the browser's numbers.js (ECharts axes and tooltips) and a list page in both languages."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import django_tables2 as tables
import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

from yiyang.core.numbers import compact, grouped, money
from yiyang.core.tables import CountColumn, MoneyColumn
from yiyang.core.testing import World

# value → (compact in Chinese, compact in English, grouped, money)
CASES: list[tuple[Any, tuple[str, str, str, str]]] = [
    (0, ("0", "0", "0", "0.00")),
    (7, ("7", "7", "7", "7.00")),
    (999, ("999", "999", "999", "999.00")),
    (1000, ("1,000", "1,000", "1,000", "1,000.00")),
    (12345, ("12,345", "12,345", "12,345", "12,345.00")),
    (99999, ("99,999", "99,999", "99,999", "99,999.00")),
    (100000, ("10万", "100k", "100,000", "100,000.00")),
    (289000, ("28.9万", "289k", "289,000", "289,000.00")),
    (289449, ("28.9万", "289k", "289,449", "289,449.00")),
    (289500, ("29万", "290k", "289,500", "289,500.00")),  # half up, on the decimal digits
    (1234567, ("123.5万", "1.23M", "1,234,567", "1,234,567.00")),
    (2000000, ("200万", "2M", "2,000,000", "2,000,000.00")),
    (99995000, ("9999.5万", "100M", "99,995,000", "99,995,000.00")),
    (99999999, ("1亿", "100M", "99,999,999", "99,999,999.00")),  # 10000.0万 is 1亿
    (123456789, ("1.23亿", "123.46M", "123,456,789", "123,456,789.00")),
    (10000000000, ("100亿", "10B", "10,000,000,000", "10,000,000,000.00")),
    (-289000, ("-28.9万", "-289k", "-289,000", "-289,000.00")),
    (1234.5, ("1,235", "1,235", "1,234.5", "1,234.50")),
    (1.005, ("1", "1", "1.005", "1.01")),  # money rounds half up to the fen
    (-0.001, ("0", "0", "-0.001", "0.00")),
    ("1,234", ("1,234", "1,234", "1,234", "1,234.00")),
    ("12.3", ("12", "12", "12.3", "12.30")),
    (None, ("", "", "", "")),
    ("", ("", "", "", "")),
    ("abc", ("", "", "", "")),
]
DECIMALS = [
    (Decimal("1234567.5"), "1,234,567.50"),
    (Decimal("0.125"), "0.13"),
    (Decimal("-12.345"), "-12.35"),
]


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_python_rules(value: Any, expected: tuple[str, str, str, str]) -> None:
    assert (compact(value, "zh-hans"), compact(value, "en"), grouped(value), money(value)) == expected


@pytest.mark.parametrize(("value", "expected"), DECIMALS)
def test_money_from_decimals(value: Decimal, expected: str) -> None:
    assert money(value) == expected


NUMBERS_JS = Path(settings.BASE_DIR) / "static" / "yiyang" / "numbers.js"


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browser_applies_the_same_rules() -> None:
    script = (
        f"const N = require({json.dumps(str(NUMBERS_JS))});"
        "const values = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "console.log(JSON.stringify(values.map(v => "
        "[N.compact(v, 'zh-CN'), N.compact(v, 'en'), N.grouped(v), N.money(v)])));"
    )
    values = [v for v, _expected in CASES]
    out = subprocess.run(
        ["node", "-e", script],
        input=json.dumps(values),
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    got = json.loads(out.stdout)
    assert {repr(v): tuple(g) for v, g in zip(values, got, strict=True)} == {repr(v): e for v, e in CASES}


@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hans", "28.9万 289,000 1,234.50"), ("en", "289k 289,000 1,234.50")]
)
def test_template_filters_follow_the_language(language: str, expected: str) -> None:
    template = Template("{% load yiyang %}{{ n|compact }} {{ n|grouped }} {{ m|money }}")
    with translation.override(language):
        assert template.render(Context({"n": 289000, "m": Decimal("1234.5")})) == expected
        assert Template("{% load yiyang %}{{ n|wan }}").render(Context({"n": 289000})) == expected.split()[0]


def test_table_columns() -> None:
    class T(tables.Table):
        people = CountColumn("人数")
        amount = MoneyColumn("金额")

    html = T([{"people": 28900, "amount": Decimal("1234567.5")}]).as_html(RequestFactory().get("/"))
    assert "28,900" in html and "1,234,567.50" in html and "text-end" in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_list_page_shows_counts_grouped_and_money_with_two_decimals(
    client: Client, world: World, language: str
) -> None:
    from yiyang.benefits.models import PaymentRoll
    from yiyang.benefits.tests.test_access import _programme

    PaymentRoll.objects.create(
        programme=_programme(), area=world.areas.street_a, month=datetime.date(2026, 11, 1),
        line_count=28900, total_amount=Decimal("1234567.5"),
    )  # fmt: skip
    client.force_login(world.alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get(reverse("benefits:paymentroll_list")).content.decode()
    assert "28,900" in page and "1,234,567.50" in page
