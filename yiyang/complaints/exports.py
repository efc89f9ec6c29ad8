"""The case spreadsheet: typed columns, the complainant masked for readers who may not see them."""

from __future__ import annotations

from typing import Any

from yiyang.complaints.privacy import complainant_name, complainant_phone
from yiyang.core.exporting import Column, datetime_, integer, text


def case_columns(user: Any) -> list[Column]:
    return [
        text("编号", "number"), text("来源单号", "external_ref"), datetime_("受理时间", "received_at"),
        text("渠道", lambda c: c.get_channel_display()), text("类别", lambda c: c.get_category_display()),
        text("紧急", lambda c: "是" if c.urgent else ""), text("标题", "title"), text("诉求内容", "content"),
        text("所在区域", "area__name"), text("涉及老人", lambda c: c.elder.name if c.elder_id else ""),
        text("诉求人", lambda c: complainant_name(user, c)), text("诉求人电话", lambda c: complainant_phone(user, c)),
        text("承办单位", "unit_name"), text("状态", lambda c: c.get_status_display()),
        datetime_("办理时限", "due_at"), datetime_("答复时间", "replied_at"),
        text("核实结论", lambda c: c.get_finding_display()), text("满意度", lambda c: c.get_satisfaction_display()),
        datetime_("办结时间", "closed_at"),
        text("按时办结", lambda c: "" if c.on_time is None else ("是" if c.on_time else "否")),
        integer("督办级别", "escalation_level"), integer("重办次数", "reopen_count"),
    ]  # fmt: skip
