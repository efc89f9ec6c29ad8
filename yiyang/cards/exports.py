"""Spreadsheets: cards, the insurance list (the import's headers, so a clear export re-imports as
unchanged) and claims. Records stay Chinese (``core.i18n``)."""

from __future__ import annotations

from yiyang.core.exporting import Column, date, integer, money, text


def _elder_id(obj: object) -> str:
    return obj.elder.id_number  # type: ignore[attr-defined]


CARD_COLUMNS: list[Column] = [
    text("证号", "number"), text("姓名", "elder__name"),
    text("身份证号", "elder__id_number_masked", clear=_elder_id),
    text("所在区域", "elder__area__name"), text("办理依据", lambda c: c.get_basis_display()),
    text("居住证号", "permit_number"), date("发证日期", "issued_on"), date("有效期至", "valid_to"),
    text("状态", lambda c: c.get_status_display()), text("作废原因", lambda c: c.get_void_reason_display()),
    date("作废/注销日期", "ended_on"), text("补换自", lambda c: c.replaces.number if c.replaces_id else ""),
]  # fmt: skip

ENROLMENT_COLUMNS: list[Column] = [
    integer("年度", "year"), text("姓名", "elder__name"),
    text("身份证号", "elder__id_number_masked", clear=_elder_id),
    text("所在区域", "elder__area__name"), text("参保类别", lambda e: e.get_group_display()),
    text("缴费方式", lambda e: e.get_payer_display()), money("保费", "premium"), text("保单号", "policy_number"),
    date("参保日期", "enrolled_on"), text("来源", lambda e: e.get_source_display()),
]  # fmt: skip

CLAIM_COLUMNS: list[Column] = [
    text("报案号", "number"), text("姓名", "elder__name"), text("身份证号", "elder__id_number_masked", clear=_elder_id),
    integer("参保年度", "enrolment__year"), text("保单号", "enrolment__policy_number"),
    text("理赔类型", lambda c: c.get_kind_display()), date("出险日期", "occurred_on"), text("出险经过", "description"),
    money("申请金额", "claimed"), money("赔付金额", "paid"), text("状态", lambda c: c.get_status_display()),
    date("结案日期", "decided_on"),
]  # fmt: skip
