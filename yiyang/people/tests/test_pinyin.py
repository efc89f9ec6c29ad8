"""Search keys of names: compound surnames read whole, and every common reading of a polyphonic
surname finds the person — in the keys, through the search, after an import, and after the
set-based conversion of keys stored in the old form."""

from __future__ import annotations

import pytest
from django.db import connection

from yiyang.core.names import COMPOUND_SURNAMES, split_name
from yiyang.core.testing import World
from yiyang.people.models import Elder
from yiyang.people.pinyin import COMPOUND_READINGS, POLYPHONIC_SURNAMES, NameKeys, name_keys
from yiyang.people.pinyin_backfill import rebuild_name_keys
from yiyang.people.selectors import elder_search_q
from yiyang.people.tests.factories import ElderFactory

# name → (pinyin, initials, everyday pinyin, everyday initials)
KEYS = [
    ("张三", ("zhangsan", "zs", "", "")),
    ("欧阳修", ("ouyangxiu", "oyx", "", "")),
    ("司马光", ("simaguang", "smg", "", "")),
    ("诸葛亮", ("zhugeliang", "zgl", "", "")),
    ("尉迟恭", ("yuchigong", "ycg", "weichigong", "wcg")),
    ("上官婉儿", ("shangguanwaner", "sgwe", "", "")),
    ("东方朔", ("dongfangshuo", "dfs", "", "")),
    ("皇甫谧", ("huangfumi", "hfm", "", "")),
    ("令狐冲", ("linghuchong", "lhc", "", "")),
    ("慕容复", ("murongfu", "mrf", "", "")),
    ("长孙无忌", ("zhangsunwuji", "zswj", "", "")),
    ("宇文化及", ("yuwenhuaji", "ywhj", "", "")),
    ("司徒雷登", ("situleideng", "stld", "", "")),
    ("夏侯惇", ("xiahoudun", "xhd", "", "")),
    ("单于冰", ("chanyubing", "cyb", "danyubing", "dyb")),
    ("万俟卨", ("moqixie", "mqx", "wanqixie", "wqx")),
    ("单田芳", ("shantianfang", "stf", "dantianfang", "dtf")),
    ("解缙", ("xiejin", "xj", "jiejin", "jj")),
    ("仇英", ("qiuying", "qy", "chouying", "cy")),
    ("曾国藩", ("zengguofan", "zgf", "cengguofan", "cgf")),
    ("区志坚", ("ouzhijian", "ozj", "quzhijian", "qzj")),
    ("查良镛", ("zhaliangyong", "zly", "chaliangyong", "cly")),
    ("朴正熙", ("piaozhengxi", "pzx", "puzhengxi", "pzx")),
    ("盖聂", ("genie", "gn", "gainie", "gn")),
    ("乐嘉", ("yuejia", "yj", "lejia", "lj")),
    ("缪建华", ("miaojianhua", "mjh", "moujianhua", "mjh")),
    ("覃小梅", ("qinxiaomei", "qxm", "tanxiaomei", "txm")),
    ("翟志刚", ("zhaizhigang", "zzg", "dizhigang", "dzg")),
    ("吕 秀兰", ("lvxiulan", "lxl", "", "")),
    ("阿依古丽·买买提", ("ayigulimaimaiti", "ayglmmt", "", "")),
    ("", ("", "", "", "")),
]


@pytest.mark.parametrize(("name", "keys"), KEYS)
def test_name_keys(name: str, keys: tuple[str, str, str, str]) -> None:
    assert name_keys(name) == NameKeys(*keys)


def test_every_compound_surname_has_its_reading() -> None:
    assert set(COMPOUND_READINGS) == set(COMPOUND_SURNAMES)
    for surname, syllables in COMPOUND_READINGS.items():
        assert len(syllables) == 2, surname
        assert split_name(surname + "某")[0] == surname


def test_polyphonic_surnames_have_two_readings() -> None:
    for ch, (reading, everyday) in POLYPHONIC_SURNAMES.items():
        assert reading != everyday, ch


# name → what people type that must find it
FOUND_BY = [
    ("单田芳", ["shan", "dan", "shantianfang", "dantianfang", "stf", "dtf", "单"]),
    ("解缙", ["xie", "jie", "xj", "jj"]),
    ("仇英", ["qiu", "chou", "qy", "cy"]),
    ("曾国藩", ["zeng", "ceng", "zgf", "cgf"]),
    ("区志坚", ["ou", "qu", "ozj", "qzj"]),
    ("尉迟恭", ["yuchigong", "ycg", "yuchi", "weichigong", "wcg", "尉迟"]),
    ("欧阳修", ["ouyangxiu", "oyx", "ouyang"]),
    ("翟志刚", ["zhai", "di", "zzg", "dzg"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "typed"), FOUND_BY)
def test_every_reading_finds_the_person(world: World, name: str, typed: list[str]) -> None:
    elder = ElderFactory.create(name=name, area=world.areas.community_a1)
    ElderFactory.create(name="张三丰", area=world.areas.community_a1)
    for text in typed:
        found = list(Elder.objects.for_user(world.bob).filter(elder_search_q(text)))
        assert found == [elder], (name, text)
    assert not Elder.objects.filter(elder_search_q("zsf"), pk=elder.pk).exists()  # 张三丰's initials


def _old_keys(name: str) -> tuple[str, str]:
    """The keys as written before compound surnames were read whole and alternates were stored."""
    from yiyang.people.pinyin import SURNAME_READINGS, _char

    old_compounds = COMPOUND_SURNAMES - {"单于", "万俟", "澹台", "呼延", "淳于", "濮阳", "太史", "申屠"}
    old_compounds -= {"公羊", "司空", "闻人", "赫连", "拓跋", "百里", "东郭", "第五", "左丘", "亓官"}
    readings = {**SURNAME_READINGS, **{ch: r for ch, (r, _e) in POLYPHONIC_SURNAMES.items()}}
    name = "".join(name.split()).replace("·", "")
    start = 2 if name[:2] in old_compounds else 1
    syllables = [
        readings[ch] if i < start and ch in readings and name[:2] not in old_compounds else _char(ch)
        for i, ch in enumerate(name)
    ]
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)


@pytest.mark.django_db
def test_stored_keys_are_converted_set_based_and_again_changes_nothing(world: World) -> None:
    names = [name for name, _keys in KEYS if name] + ["尉迟", "单于", "长孙", "单", "尉迟敬德"]
    elders = [ElderFactory.create(name=name, area=world.areas.community_a1) for name in names]
    for elder in elders:  # as the rows were stored before
        pinyin, initials = _old_keys(elder.name)
        Elder.objects.filter(pk=elder.pk).update(
            name_pinyin=pinyin, name_initials=initials, name_pinyin_alt="", name_initials_alt=""
        )
    assert Elder.objects.get(name="尉迟恭").name_pinyin == "weichigong"
    for _run in range(2):
        with connection.cursor() as cursor:
            rebuild_name_keys(cursor, Elder._meta.db_table)
        stored = {
            e.name: NameKeys(e.name_pinyin, e.name_initials, e.name_pinyin_alt, e.name_initials_alt)
            for e in Elder.objects.filter(pk__in=[e.pk for e in elders])
        }
        assert stored == {name: name_keys(name) for name in names}


@pytest.mark.django_db
def test_an_import_stores_every_reading_and_again_is_unchanged(world: World) -> None:
    from yiyang.core.testing import new_id_number
    from yiyang.people.tests.test_imports import run, workbook

    rows = [
        [1, "单田芳", "男", new_id_number(age=80, sex="M"), "", "", "东市社区", "独居"],
        [2, "尉迟敬德", "男", new_id_number(age=81, sex="M"), "", "", "东市社区", "独居"],
    ]
    run(world, workbook(rows))
    for name in ("单田芳", "尉迟敬德"):
        e = Elder.objects.get(name=name)
        assert NameKeys(e.name_pinyin, e.name_initials, e.name_pinyin_alt, e.name_initials_alt) == name_keys(
            name
        )
    assert [e.name for e in Elder.objects.filter(elder_search_q("dtf"))] == ["单田芳"]
    again = run(world, workbook(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
