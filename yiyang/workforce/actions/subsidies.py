"""Post subsidies: generate (or regenerate while a draft), review, approve; then the bank file, written
by the one bank payment file every roll uses (``benefits.documents.bank_payment_file``)."""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.benefits.documents import bank_payment_file
from yiyang.core import audit, crypto
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.workforce import rolls
from yiyang.workforce.choices import RollStatus
from yiyang.workforce.models import PostSubsidyLine, PostSubsidyRoll

#: The 项目 column of the bank file.
BANK_PROGRAMME = "养老护理员岗位补贴"


@transaction.atomic
def roll_generate(*, area: Area, month: datetime.date, actor: Any) -> PostSubsidyRoll:
    """生成: the month's lines for the area (a street or the district); a draft is regenerated in place,
    a reviewed or approved roll is never touched. Generating twice doubles nothing."""
    first = month.replace(day=1)
    if first > timezone.localdate().replace(day=1):
        raise ValidationError({"month": _("不能生成未来月份的补贴")})
    if area.level > AreaLevel.STREET:
        raise ValidationError({"area": _("花名册按街道或区生成")})
    require(actor, "add", PostSubsidyRoll(area=area, area_path=area.path, month=first))
    roll, created = PostSubsidyRoll.objects.get_or_create(area=area, month=first)
    locked(roll)
    if roll.status != RollStatus.DRAFT:
        raise ValidationError(_("%(roll)s 已审核或审批，不能重新生成") % {"roll": roll})
    started = time.perf_counter()
    roll.lines.all().delete()
    rolls.generate_lines(roll)
    roll.line_count, roll.total_amount = rolls.totals(roll)
    roll.generated_at = timezone.now()
    roll.generation_seconds = round(time.perf_counter() - started, 3)
    roll.save(
        update_fields=["line_count", "total_amount", "generated_at", "generation_seconds", "updated_at"]
    )
    audit.record_change(
        actor=actor, obj=roll, action=AuditEntry.Action.CREATE if created else AuditEntry.Action.WORKFLOW,
        verb="postsubsidyroll.generate", after={"line_count": roll.line_count, "total": str(roll.total_amount)},
        message=f"生成 {roll.line_count} 人，合计 {roll.total_amount} 元",
    )  # fmt: skip
    return roll


def _advance(roll: PostSubsidyRoll, actor: Any, action: str, frm: str, to: str, verb: str) -> PostSubsidyRoll:
    require(actor, action, roll)
    locked(roll, "status")
    if roll.status != frm:
        raise ValidationError(
            _("当前状态为“%(status)s”，不能执行此操作") % {"status": roll.get_status_display()}
        )
    before = audit.snapshot(roll)
    roll.status = to
    person = actor if getattr(actor, "is_authenticated", False) else None
    now = timezone.now()
    if to == RollStatus.REVIEWED:
        roll.reviewed_by, roll.reviewed_at = person, now
    elif to == RollStatus.APPROVED:
        roll.approved_by, roll.approved_at = person, now
    roll.save()
    audit.record_change(actor=actor, obj=roll, action=AuditEntry.Action.WORKFLOW, verb=verb, before=before,
                        after=audit.snapshot(roll))  # fmt: skip
    return roll


@transaction.atomic
def roll_review(*, roll: PostSubsidyRoll, actor: Any) -> PostSubsidyRoll:
    """审核: the street (or district) checks the draft."""
    if roll.line_count == 0:
        raise ValidationError(_("花名册没有明细，不能审核"))
    return _advance(roll, actor, "review", RollStatus.DRAFT, RollStatus.REVIEWED, "postsubsidyroll.review")


@transaction.atomic
def roll_return(*, roll: PostSubsidyRoll, actor: Any) -> PostSubsidyRoll:
    """退回: a reviewed roll goes back to draft (to be regenerated)."""
    return _advance(roll, actor, "approve", RollStatus.REVIEWED, RollStatus.DRAFT, "postsubsidyroll.return")


@transaction.atomic
def roll_approve(*, roll: PostSubsidyRoll, actor: Any) -> PostSubsidyRoll:
    """审批: the district approves a reviewed roll; the reviewer may not approve their own review."""
    require(actor, "approve", roll)
    if (
        actor is not None
        and roll.reviewed_by_id is not None
        and roll.reviewed_by_id == getattr(actor, "pk", None)
    ):
        raise ValidationError(_("审核人和审批人不能是同一人"))
    return _advance(
        roll, actor, "approve", RollStatus.REVIEWED, RollStatus.APPROVED, "postsubsidyroll.approve"
    )


def bank_rows(roll: PostSubsidyRoll) -> Iterator[list[Any]]:
    """The roll's payments in the bank file's columns (序号, 姓名, 身份证号, 开户银行, 户名, 账号, 金额 …)."""
    lines = (
        PostSubsidyLine.objects.filter(roll=roll, amount__gt=0)
        .select_related("worker")
        .only("amount", "level", "years", "worker__name", "worker__id_number_enc", "worker__bank_name",
              "worker__account_enc")
        .order_by("area_path", "id")
    )  # fmt: skip
    for i, line in enumerate(lines.iterator(chunk_size=5000), start=1):
        w = line.worker
        account = crypto.decrypt(w.account_enc) if w.account_enc else ""
        note = f"{line.get_level_display()}，工龄{line.years}年"
        if not account:
            note = "无代发账户；" + note
        yield [
            i,
            w.name,
            crypto.decrypt(w.id_number_enc) if w.id_number_enc else "",
            w.bank_name,
            w.name if account else "",
            account,
            line.amount,
            BANK_PROGRAMME,
            roll.month,
            note,
        ]


def roll_bank_file(*, roll: PostSubsidyRoll, actor: Any, fmt: str = "xlsx") -> tuple[bytes, str, str]:
    """(content, content type, filename) of the bank payment file of an approved roll; logged."""
    require(actor, "export", roll)
    if roll.status != RollStatus.APPROVED:
        raise ValidationError(_("花名册审批后才能导出代发文件"))
    return bank_payment_file(
        bank_rows(roll),
        stem=f"代发-{BANK_PROGRAMME}-{roll.month:%Y%m}-{roll.area.name}",
        fmt=fmt,
        actor=actor,
        object_type="workforce.postsubsidyroll",
        object_id=str(roll.pk),
        area_path=roll.area_path,
    )
