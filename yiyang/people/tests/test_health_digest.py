"""The health note's digest links nobody (issue 18 item 1): equal notes of two elders have different
digests, and an import still tells a changed note from an unchanged one."""

from __future__ import annotations

import pytest

from yiyang.core import crypto
from yiyang.core.testing import World, new_id_number
from yiyang.people.models import Elder
from yiyang.people.tests.factories import ElderFactory
from yiyang.people.tests.test_imports import run, workbook

pytestmark = pytest.mark.django_db


def test_equal_notes_of_two_elders_do_not_look_equal(world: World) -> None:
    a = ElderFactory.create(area=world.areas.community_a1, health="高血压")
    b = ElderFactory.create(area=world.areas.community_a1, health="高血压")
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.health == b.health == "高血压"
    assert a.health_hash and b.health_hash and a.health_hash != b.health_hash
    assert crypto.lookup_hash("高血压") not in {a.health_hash, b.health_hash}  # not the look-up digest
    assert a.health_enc != b.health_enc


def _sheet(rows: list[tuple[str, str, str]]) -> bytes:
    header = ["序号", "姓名", "性别", "身份证号码", "出生日期", "联系电话", "社区", "居住情况", "健康状况"]
    import yiyang.people.tests.test_imports as imports

    saved, imports.HEADER = imports.HEADER, header
    try:
        return workbook(
            [
                [n + 1, name, "", id_number, "", "", "东市社区", "独居", health]
                for n, (name, id_number, health) in enumerate(rows)
            ]
        )
    finally:
        imports.HEADER = saved


def test_an_import_tells_a_changed_note_without_linking_elders(world: World) -> None:
    ids = [new_id_number(age=80), new_id_number(age=81)]
    first = run(world, _sheet([("甲", ids[0], "高血压"), ("乙", ids[1], "高血压")]))
    assert first.created == 2
    hashes = set(Elder.objects.values_list("health_hash", flat=True))
    assert len(hashes) == 2  # the same note, two digests
    again = run(world, _sheet([("甲", ids[0], "高血压"), ("乙", ids[1], "糖尿病")]))
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    assert Elder.objects.get(name="乙").health == "糖尿病"
