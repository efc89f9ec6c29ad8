"""The project spreadsheet: typed columns (money as numbers, dates as dates)."""

from __future__ import annotations

from yiyang.core.exporting import Column, date, integer, money, text

PROJECT_COLUMNS: list[Column] = [
    text("编号", "number"), integer("年度", "year"), text("老人", "elder__name"),
    text("身份证号", "elder__id_number_masked"), text("社区", "elder__area__name"),
    text("类别", lambda p: p.get_category_display()), text("来源", lambda p: p.get_source_display()),
    text("状态", lambda p: p.get_status_display()), money("补助上限（元）", "cap"), date("纳入日期", "enrolled_on"),
    date("勘查日期", "surveyed_on"), money("方案金额（元）", "plan_total"),
    text("改造内容", lambda p: "；".join(f"{line.item.name}×{line.quantity}" for line in p.lines.all())),
    text("施工单位", lambda p: p.contractor.name if p.contractor_id else ""), date("完工日期", "works_finished_on"),
    text("验收方", lambda p: p.get_acceptor_display()), text("验收单位/人", "acceptor_name"),
    date("验收日期", "accepted_on"), money("付款金额（元）", "paid_amount"), date("付款日期", "paid_on"),
    text("付款凭证号", "payment_ref"), date("回访起始", "use_check_from"), date("回访截止", "use_check_to"),
    date("回访日期", "use_checked_on"), text("使用情况", lambda p: p.get_use_result_display()),
    text("放弃原因", lambda p: p.get_opt_out_reason_display()), text("书面声明", "opt_out_statement"),
]  # fmt: skip
