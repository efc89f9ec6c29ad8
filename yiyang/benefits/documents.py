"""The 公示 list (PDF) and the bank payment file (.xlsx / .csv).

The public list shows names and ID numbers masked; the bank file is the only place an account
number leaves the server in clear, and every export of it is logged.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone

from yiyang.benefits.choices import ChangeType
from yiyang.benefits.dates import month_cn
from yiyang.benefits.models import ElderBankAccount, PaymentRoll, RollLine
from yiyang.core import audit, crypto, pdf
from yiyang.core.documents import document_request, register_document
from yiyang.core.exporting import XLSX_TYPE, Sheet, csv_bytes, integer, money, month, text, xlsx_bytes
from yiyang.core.i18n import records_language
from yiyang.core.models import AccessLog, DocumentJob
from yiyang.core.names import COMPOUND_SURNAMES
from yiyang.core.scoping import home_path, require

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


# The list paginates itself, so that its parts can be laid out side by side and still number their
# pages "第 n 页 / 共 N 页": every row is one line of a fixed height (templates/benefits/public_list.html),
# and these counts leave room to spare on an A4 page (the test prints one and counts its pages).
ROWS_FIRST_PAGE = 37
ROWS_PER_PAGE = 40
FOOT_ROWS = 5  # the closing paragraphs take about as much height as this many rows
# Each part embeds the glyphs it uses once (about 0.4 MB): a long list is cut into two parts per
# layout process (progress in steps, both cores busy to the end), none shorter than this.
MIN_PAGES_PER_PART = 8


def _public_rows(roll: PaymentRoll, street: str, user: Any) -> list[dict[str, Any]]:
    lines = public_list_lines(roll, street, user)[:PUBLIC_LIST_MAX]
    return [
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


def paginate(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The rows page by page; the closing paragraphs get a page of their own when the last is full."""
    pages = [rows[:ROWS_FIRST_PAGE]]
    rest = rows[ROWS_FIRST_PAGE:]
    pages += [rest[i : i + ROWS_PER_PAGE] for i in range(0, len(rest), ROWS_PER_PAGE)]
    capacity = ROWS_FIRST_PAGE if len(pages) == 1 else ROWS_PER_PAGE
    if len(pages[-1]) > capacity - FOOT_ROWS:
        pages.append([])
    return pages


def public_list_parts(
    roll: PaymentRoll, *, street: str = "", user: Any = None, for_pdf: bool = True
) -> list[str]:
    """The 公示 list as HTML, in parts of a few pages each (see :func:`core.pdf.render_pdf_parts`)."""
    return public_list_parts_of(roll, _public_rows(roll, street, user), for_pdf=for_pdf)


def public_list_parts_of(roll: Any, rows: list[dict[str, Any]], *, for_pdf: bool = True) -> list[str]:
    pages = paginate(rows)
    today = timezone.localdate()
    common = {
        "roll": roll,
        "month": month_cn(roll.month),
        "for_pdf": for_pdf,
        "printed": f"{today.year}年{today.month}月{today.day}日",
        "truncated": len(rows) >= PUBLIC_LIST_MAX,
        "count": len(rows),
        "total": sum((r["amount"] for r in rows), start=0),
        "total_pages": len(pages),
    }
    per_part = max(MIN_PAGES_PER_PART, math.ceil(len(pages) / (2 * settings.DOCUMENT_PROCESSES)))
    parts: list[str] = []
    for first in range(0, len(pages), per_part):
        chunk = pages[first : first + per_part]
        context = {
            **common,
            "pages": chunk,
            "first_page": first + 1,
            "has_title": first == 0,
            "has_foot": first + len(chunk) == len(pages),
        }
        parts.append(str(render_to_string("benefits/public_list.html", context)))
    return parts


def public_list_html(roll: PaymentRoll, *, street: str = "", user: Any = None) -> str:
    """The whole list as one page of HTML (for the screen)."""
    return "".join(public_list_parts(roll, street=street, user=user, for_pdf=False))


def public_list_print(*, roll: PaymentRoll, actor: Any, street: str = "") -> bytes | DocumentJob:
    """The 公示 list as a PDF, logged as a print: made at once when it is short, otherwise queued as a
    background job (a district's list runs to a hundred pages), which the caller sends the user to."""
    require(actor, "view", roll)
    if not roll.is_locked:
        raise ValidationError("花名册审批后才能公示")
    count = public_list_lines(roll, street, actor).count()
    audit.record_access(
        actor=actor,
        kind=AccessLog.Kind.PRINT,
        object_type="benefits.paymentroll",
        object_id=str(roll.pk),
        area_path=roll.area_path,
        reason="公示名单",
        row_count=count,
    )
    if count <= settings.DOCUMENT_INLINE_MAX_ROWS:
        return pdf.render_pdf_parts(public_list_parts(roll, street=street, user=actor), processes=1)
    home = home_path(actor)
    return document_request(
        actor=actor,
        kind=PUBLIC_LIST,
        title=f"{roll}公示名单",
        filename=public_list_filename(roll),
        area_path=street or (home if home.startswith(roll.area_path) else roll.area_path),
        params={"roll": roll.pk, "street": street},
    )


def public_list_filename(roll: PaymentRoll) -> str:
    return f"公示-{roll.programme.name}-{roll.month:%Y%m}.pdf"


PUBLIC_LIST = "benefits.public_list"


def _build_public_list(job: DocumentJob, progress: Callable[[int, int], None]) -> bytes:
    roll = PaymentRoll.objects.get(pk=job.params["roll"])
    require(job.actor, "view", roll)  # the requester may have lost the right since
    with records_language():
        parts = public_list_parts(roll, street=job.params.get("street", ""), user=job.actor)
    return pdf.render_pdf_parts(parts, progress=progress)


register_document(PUBLIC_LIST, _build_public_list)


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
    return bank_payment_file(
        _bank_rows(roll),
        stem=f"代发-{roll.programme.name}-{roll.month:%Y%m}-{roll.area.name}",
        fmt=fmt,
        actor=actor,
        object_type="benefits.paymentroll",
        object_id=str(roll.pk),
        area_path=roll.area_path,
    )


def bank_payment_file(
    rows: Iterable[list[Any]],
    *,
    stem: str,
    fmt: str,
    actor: Any,
    object_type: str,
    object_id: str,
    area_path: str,
) -> tuple[bytes, str, str]:
    """The one bank payment (代发) file, whoever is paid: rows in ``BANK_COLUMNS`` order, written as
    .xlsx or .csv and logged as an export of clear ID and account numbers. Elders' rolls use it, and
    so does any other monthly payment to people (care workers' post subsidies)."""
    if fmt == "csv":
        content, count = csv_bytes(BANK_COLUMNS, rows)
        content_type, filename = "text/csv; charset=utf-8", f"{stem}.csv"
    else:
        content, count = xlsx_bytes([Sheet("代发明细", BANK_COLUMNS, rows)])
        content_type, filename = XLSX_TYPE, f"{stem}.xlsx"
    audit.record_access(
        actor=actor,
        kind=AccessLog.Kind.EXPORT,
        object_type=object_type,
        object_id=object_id,
        area_path=area_path,
        fields=["身份证号", "账号"],
        reason="银行代发文件",
        row_count=count,
    )
    return content, content_type, filename
