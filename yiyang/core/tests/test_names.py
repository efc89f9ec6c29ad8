from __future__ import annotations

import pytest

from yiyang.core.names import split_name


@pytest.mark.parametrize(
    ("name", "family", "given"),
    [
        ("张三", "张", "三"),
        ("欧阳修", "欧阳", "修"),
        ("西门吹雪", "西门", "吹雪"),
        ("欧阳", "欧", "阳"),  # two characters: a single family name and a given name
        (" 王 小明 ", "王", "小明"),
        ("李", "李", ""),
        ("", "", ""),
    ],
)
def test_split_name(name: str, family: str, given: str) -> None:
    assert split_name(name) == (family, given)
