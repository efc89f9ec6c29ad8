"""The 公示 list (PDF) and the bank payment file (.xlsx / .csv).

The public list shows names and ID numbers masked; the bank file is the only place an account
number leaves the server in clear, and every export of it is logged.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from yiyang.benefits.choices import ChangeType
from yiyang.benefits.dates import month_cn
from yiyang.benefits.models import ElderBankAccount, PaymentRoll, RollLine
from yiyang.core import audit, crypto, pdf
from yiyang.core.exporting import XLSX_TYPE, Sheet, csv_bytes, integer, money, month, text, xlsx_bytes
from yiyang.core.models import AccessLog
from yiyang.core.names import COMPOUND_SURNAMES
from yiyang.core.scoping import require

PUBLIC_LIST_MAX = 20000


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小华 → 欧阳*华: the surname and, for longer names, the last
    character stay; the rest is hidden (公示 convention)."""
    name = name.strip()
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]
    rest = name[len(surname) :]
    if not rest:
        return name
    if len(rest) == 1:
        return surname + "*"
    return surname + "*" * (len(rest) - 1) + rest[-1]


def public_list_lines(roll: PaymentRoll, street: str = "", user: Any = None) -> Any:
    """The lines to publish; for a ``user``, only those they may see (a street prints its own part)."""
    lines = (
        (RollLine.objects.for_user(user) if user is not None else RollLine.objects.all())
        .filter(roll=roll, amount__gt=0, excluded=False)
        .select_related("elder", "elder__area")
        .order_by("area_path", "elder__name_pinyin")
    )
    if street:
        lines = lines.filter(area_path__startswith=street)
    return lines


def public_list_html(roll: PaymentRoll, *, street: str = "", for_pdf: bool = False, user: Any = None) -> str:
    lines = list(public_list_lines(roll, street, user)[:PUBLIC_LIST_MAX])
    rows = [
        {
            "n": i,
            "name": mask_name(line.elder.name),
            "id": line.elder.id_number_masked,
            "community": line.elder.area.name,
            "amount": line.amount,
            "change": line.get_change_type_display(),
            "months": line.months_covered,
        }
        for i, line in enumerate(lines, 1)
    ]
    today = timezone.localdate()
    return render_to_string(
        "benefits/public_list.html",
        {
            "roll": roll,
            "rows": rows,
            "month": month_cn(roll.month),
            "for_pdf": for_pdf,
            "printed": f"{today.year}年{today.month}月{today.day}日",
            "truncated": len(rows) >= PUBLIC_LIST_MAX,
            "total": sum((r["amount"] for r in rows), start=0),
        },
    )


def public_list_pdf(*, roll: PaymentRoll, actor: Any, street: str = "") -> bytes:
    """The 公示 list as a PDF; logged as a print."""
    require(actor, "view", roll)
    if not roll.is_locked:
        raise ValidationError("花名册审批后才能公示")
    html = public_list_html(roll, street=street, for_pdf=True, user=actor)
    audit.record_access(
        actor=actor,
        kind=AccessLog.Kind.PRINT,
        object_type="benefits.paymentroll",
        object_id=str(roll.pk),
        area_path=roll.area_path,
        reason="公示名单",
        row_count=roll.line_count,
    )
    return pdf.layout(html).write_pdf()


# What a bank's bulk-payment (代发) upload reads: full ID and account numbers (it exists to pay
# people), the amount as a number a spreadsheet can SUM, the month as a date.
BANK_COLUMNS = [
    integer("序号"),
    text("姓名"),
    text("身份证号"),
    text("开户银行"),
    text("户名"),
    text("账号"),
    money("金额（元）"),
    text("项目"),
    month("发放月份"),
    text("备注"),
]


def _bank_rows(roll: PaymentRoll) -> Iterator[list[Any]]:
    accounts = {
        a.elder_id: a
        for a in ElderBankAccount.objects.filter(elder__roll_lines__roll=roll).only(
            "elder_id", "bank_name", "holder_name", "account_enc"
        )
    }
    # A bank cannot debit an account: deductions (negative adjustment lines, few) are netted into
    # the same person's payments in this roll, which the adjustment action checked are enough.
    owed: dict[int, Decimal] = {}
    for elder_id, amount in RollLine.objects.filter(roll=roll, excluded=False, amount__lt=0).values_list(
        "elder_id", "amount"
    ):
        owed[elder_id] = owed.get(elder_id, Decimal(0)) - amount
    lines = (
        RollLine.objects.filter(roll=roll, excluded=False, amount__gt=0)
        .exclude(change_type=ChangeType.STOPPED)
        .select_related("elder")
        .only("amount", "reason", "change_type", "elder__name", "elder__id_number_enc")
        .order_by("area_path", "id")
    )
    i = 0
    for line in lines.iterator(chunk_size=5000):
        account = accounts.get(line.elder_id)
        note = line.reason if line.change_type != ChangeType.CONTINUED else ""
        amount = line.amount
        deduct = min(owed.get(line.elder_id, Decimal(0)), amount)
        if deduct > 0:
            owed[line.elder_id] -= deduct
            amount -= deduct
            note = f"{note}；已扣减 {deduct:.2f}".lstrip("；")
            if amount == 0:
                continue
        i += 1
        if account is None:
            note = ("无代发账户；" + note).rstrip("；")
        yield [
            i,
            line.elder.name,
            line.elder.id_number,
            account.bank_name if account else "",
            account.holder_name if account else "",
            crypto.decrypt(account.account_enc) if account else "",
            amount,
            roll.programme.name,
            roll.month,
            note,
        ]


def bank_file(*, roll: PaymentRoll, actor: Any, fmt: str = "xlsx") -> tuple[bytes, str, str]:
    """(content, content type, filename) of the payment file for an approved roll; logged."""
    require(actor, "export", roll)
    if not roll.is_locked:
        raise ValidationError("花名册审批后才能导出代发文件")
    stem = f"代发-{roll.programme.name}-{roll.month:%Y%m}-{roll.area.name}"
    if fmt == "csv":
        content, count = csv_bytes(BANK_COLUMNS, _bank_rows(roll))
        content_type, filename = "text/csv; charset=utf-8", f"{stem}.csv"
    else:
        content, count = xlsx_bytes([Sheet("代发明细", BANK_COLUMNS, _bank_rows(roll))])
        content_type, filename = XLSX_TYPE, f"{stem}.xlsx"
    audit.record_access(
        actor=actor,
        kind=AccessLog.Kind.EXPORT,
        object_type="benefits.paymentroll",
        object_id=str(roll.pk),
        area_path=roll.area_path,
        fields=["身份证号", "账号"],
        reason="银行代发文件",
        row_count=count,
    )
    return content, content_type, filename
