"""The site proposal as a spreadsheet (设施布局建议表)."""

from __future__ import annotations

import io

from django.utils import timezone

from yiyang.core.importing.writer import write_rows_xlsx
from yiyang.coverage.models import SiteProposal

HEADERS = [
    "序号",
    "建议位置（附近社区）",
    "社区代码",
    "纬度",
    "经度",
    "候选点来源",
    "新增覆盖老人",
    "累计新增覆盖",
]


def proposal_workbook(proposal: SiteProposal) -> bytes:
    rows = [
        [
            s["rank"],
            s["near_area"],
            s["near_area_path"],
            s["latitude"],
            s["longitude"],
            s["source"],
            s["gain"],
            s["cumulative"],
        ]
        for s in proposal.sites
    ]
    rows.append([])
    rows.append(["规划范围", proposal.area.name, "", "", "", "", "", ""])
    rows.append(["圈外老人（规划前）", proposal.uncovered_before, "", "", "", "", "", ""])
    rows.append(["老年人总数", proposal.elder_total, "", "", "", "", "", ""])
    rows.append(
        [
            "规则",
            f"步行 {proposal.walk_metres:.0f} 米 / 绕行系数 {proposal.detour_factor}",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    rows.append(
        ["生成时间", f"{timezone.localtime(proposal.created_at):%Y-%m-%d %H:%M}", "", "", "", "", "", ""]
    )
    buffer = io.BytesIO()
    write_rows_xlsx(HEADERS, rows, buffer, sheet_title="设施布局建议")
    return buffer.getvalue()
