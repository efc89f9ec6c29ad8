"""The registry as a spreadsheet, and the columns other modules' exports take from it.

The elder export is the import template's table: the same headers, and values the importer reads
back unchanged, so a list exported in clear re-imports as "all unchanged". 年龄 and 经济类别 are for
the reader (the importer ignores them: one is derived, the other comes from certifications).
"""

from __future__ import annotations

from yiyang.areas.models import AreaLevel
from yiyang.core.exporting import Column, date, integer, text
from yiyang.people.models import Elder

#: Lets a role export personal data (ID numbers, phones) in clear, with a reason that is logged.
CLEAR_EXPORT = "people.export_clear_elder"

#: What an elder export reads: from a grid up to its street.
ELDER_AREAS = ("area", "area__parent", "area__parent__parent")


def street_of(elder: Elder) -> str:
    return elder.area.name_at(AreaLevel.STREET)


def community_of(elder: Elder) -> str:
    return elder.area.name_at(AreaLevel.COMMUNITY)


def grid_of(elder: Elder) -> str:
    return elder.area.name_at(AreaLevel.GRID)


def id_number_column(path: str = "") -> Column:
    """身份证号, masked unless the export is in clear; ``path`` leads to the elder ("elder__")."""
    return text("身份证号", f"{path}id_number_masked", clear=f"{path}id_number")


ELDER_EXPORT_COLUMNS: list[Column] = [
    text("姓名", "name"),
    id_number_column(),
    text("性别", lambda e: e.get_sex_display()),
    date("出生日期", "birth_date"),
    integer("年龄", "age"),
    text("民族", "ethnicity"),
    text("联系电话", "phone_masked", clear="phone"),
    text("街道", street_of),
    text("社区", community_of),
    text("网格", grid_of),
    text("居住地址", "address"),
    text("本区户籍", lambda e: "是" if e.hukou_local else "否"),
    text("户籍地址", "hukou_address"),
    text("居住情况", lambda e: e.get_living_situation_display()),
    text("经济类别", lambda e: "、".join(e.category_labels())),
    text("残疾等级", lambda e: e.get_disability_grade_display()),
    text("状态", lambda e: e.get_status_display()),
    date("死亡/迁出日期", "status_date"),
]
