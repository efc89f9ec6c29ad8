"""Death lists: the notes saved with the rows stay Chinese whatever the importer's language."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from yiyang.benefits import lifeevents
from yiyang.benefits.models import LifeEventRow
from yiyang.benefits.tests.factories import elder_born
from yiyang.core.cells import CellError, parse_date
from yiyang.core.idnumber import IdNumberError, make_id_number, parse_id_number

D = datetime.date
pytestmark = pytest.mark.django_db


def csv_bytes(rows: list[list[str]]) -> bytes:
    lines = ["身份证号,姓名,出生日期,死亡日期"] + [",".join(r) for r in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


def test_saved_notes_stay_chinese_for_an_english_importer(world) -> None:
    elder = elder_born(D(1941, 2, 2), name="钱多多")
    good = make_id_number("320612", D(1939, 5, 6), 11)
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    data = csv_bytes(
        [
            [bad_check, "钱多多", "1941-02-02", "2026-05-01"],  # wrong check digit, then proposed by name
            ["", "查无此人", "1930-13-01", "2026-05-01"],  # no ID, impossible month
            ["", "查无此人", "1930-01-01", "五月"],  # event date without a year
        ]
    )
    with translation.override("en"):
        # The parsers speak the active language...
        with pytest.raises(IdNumberError) as id_error:
            parse_id_number(bad_check)
        assert id_error.value.message.startswith("The check digit does not match")
        with pytest.raises(CellError) as date_error:
            parse_date("1930-13-01")
        assert date_error.value.message == "Unrecognised date: 1930-13-01 (the month must be 1 to 12)"
        # ...but what the import saves is a record: Chinese.
        batch = lifeevents.life_event_import(
            kind="deceased", source="殡葬", data=data, filename="d.csv", actor=world.alice
        )
    notes = {r.row_number: r.note for r in LifeEventRow.objects.filter(batch=batch)}
    assert notes[2] == ("身份证号有误：校验码不符：号码有误，请核对证件；按姓名和出生日期匹配，请核实")
    assert notes[3] == "无身份证号；出生日期有误：无法识别的日期：1930-13-01（月份应为1至12）"
    assert notes[4] == "无身份证号；日期有误：无法识别的日期：五月"
    assert LifeEventRow.objects.get(batch=batch, row_number=2).elder_id == elder.pk
