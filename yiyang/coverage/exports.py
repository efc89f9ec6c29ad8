"""The site proposal as a spreadsheet (设施布局建议表): the sites, then what they were computed from."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from django.utils import timezone

from yiyang.core.exporting import Sheet, integer, number, text, xlsx_bytes
from yiyang.coverage.models import SiteProposal

COLUMNS = [
    integer("序号", itemgetter("rank")),
    text("建议位置（附近社区）", itemgetter("near_area")),
    text("社区代码", itemgetter("near_area_path")),
    number("纬度", itemgetter("latitude")),
    number("经度", itemgetter("longitude")),
    text("候选点来源", itemgetter("source")),
    integer("新增覆盖老人", itemgetter("gain")),
    integer("累计新增覆盖", itemgetter("cumulative")),
]
# One fact a row, each value in its own type (a count is a number, the time a date cell).
FACTS: list[tuple[str, Any]] = [("项目", None), ("内容", None)]


def proposal_workbook(proposal: SiteProposal) -> bytes:
    facts = [
        ["规划范围", proposal.area.name],
        ["圈外老人（规划前）", proposal.uncovered_before],
        ["老年人总数", proposal.elder_total],
        ["规则", f"步行 {proposal.walk_metres:.0f} 米 / 绕行系数 {proposal.detour_factor}"],
        ["生成时间", timezone.localtime(proposal.created_at)],
    ]
    content, _count = xlsx_bytes(
        [Sheet("设施布局建议", COLUMNS, proposal.sites), Sheet("规划说明", FACTS, facts)]
    )
    return content
