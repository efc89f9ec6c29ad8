"""受理: a case from any channel, classified and linked; a 12345 transfer sent twice is one case."""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area
from yiyang.complaints import tallies
from yiyang.complaints.actions import protection
from yiyang.complaints.actions.common import record
from yiyang.complaints.choices import UNANSWERED, URGENT_CATEGORIES, Category, Channel, EventKind, Relation
from yiyang.complaints.models import Case, ProtectiveCase
from yiyang.core import audit
from yiyang.core.i18n import stored
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.institutions.models import Institution
from yiyang.people.models import Elder
from yiyang.safety.models import Alarm
from yiyang.services.models import Provider, WorkOrder


@dataclass
class CaseData:
    """What the intake form, the API and the 12345 sheet give for a new case."""

    channel: str
    category: str
    title: str
    content: str
    area: Area | None = None
    elder: Elder | None = None
    complainant_name: str = ""
    complainant_phone: str = ""
    relation: str = Relation.SELF
    consent_disclose: bool = False
    urgent: bool = False
    external_ref: str = ""
    received_at: datetime.datetime | None = None
    source_due_at: datetime.datetime | None = None
    subject_provider: Provider | None = None
    institution_name: str = ""
    subject_institution: Institution | None = None
    work_order: WorkOrder | None = None
    alarm: Alarm | None = None


def _check(data: CaseData, actor: Any) -> Area:
    errors: dict[str, str] = {}
    if data.channel not in Channel.values:
        errors["channel"] = _("渠道无效")
    if data.category not in Category.values:
        errors["category"] = _("类别无效")
    if not data.title.strip():
        errors["title"] = _("请填写标题")
    if not data.content.strip():
        errors["content"] = _("请填写诉求内容")
    area = data.area or (data.elder.area if data.elder else None)
    if area is None:
        errors["area"] = _("请选择涉及老人或所在区域")
    if data.elder is not None:
        require(actor, "view", data.elder)
    if data.subject_institution is not None:
        require(actor, "view", data.subject_institution)
    for link in (data.work_order, data.alarm):
        if link is not None:
            require(actor, "view", link)
            if data.elder is not None and link.elder_id != data.elder.pk:
                errors["elder"] = _("关联的工单或告警不是这位老人的")
    if errors:
        raise ValidationError(errors)
    assert area is not None
    return area


def case_create(*, data: CaseData, actor: Any) -> tuple[Case, bool]:
    """登记 a case; returns it and whether it is new.

    A case with the source's own number (a 12345 工单号) already on file is returned as it is: the
    centre's sheet imported twice, or its API call retried, never makes a second case.
    """
    area = _check(data, actor)
    if data.external_ref:
        found = Case.objects.filter(channel=data.channel, external_ref=data.external_ref).first()
        if found is not None:
            require(actor, "view", found)
            return found, False
    case = Case(
        number=f"T{secrets.token_hex(8)}",
        channel=data.channel,
        external_ref=data.external_ref.strip()[:40],
        category=data.category,
        urgent=data.urgent or data.category in URGENT_CATEGORIES,
        title=data.title.strip()[:100],
        content=data.content.strip(),
        elder=data.elder,
        area=area,
        complainant_name=data.complainant_name.strip()[:50],
        relation=data.relation,
        consent_disclose=data.consent_disclose,
        subject_provider=data.subject_provider or (data.work_order.provider if data.work_order else None),
        subject_institution=data.subject_institution,
        institution_name=(data.institution_name.strip() or getattr(data.subject_institution, "name", ""))[
            :100
        ],
        work_order=data.work_order,
        alarm=data.alarm,
        received_at=data.received_at or timezone.now(),
        source_due_at=data.source_due_at,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    case.set_complainant_phone(data.complainant_phone)
    case.area_path = area.path
    require(actor, "add", case)
    try:
        with transaction.atomic():
            case.save()
            case.number = f"TS{timezone.localtime(case.received_at):%Y%m%d}{case.pk:06d}"
            case.save(update_fields=["number"])
            record(case, EventKind.INTAKE, actor, None, stored(Channel(case.channel).label))
            tallies.apply_change(None, tallies.case_count(case))
            if case.category == Category.NEGLECT_ABUSE:  # protection starts with the case, whoever took it
                protection.open_for(case, actor, at=case.received_at)
    except IntegrityError:
        # The same 12345 number arrived at the same moment through another door: that case stands.
        found = Case.objects.filter(channel=data.channel, external_ref=case.external_ref).first()
        if found is None:
            raise
        return found, False
    return case, True


@transaction.atomic
def case_delete(*, case: Case, reason: str, actor: Any) -> None:
    """删除 a case registered in error (a duplicate call, a test entry) while it is still unanswered.

    A case the unit has replied to is part of the record and stays; so does one that opened a
    protective follow-up. The case leaves the 办结率 counts in the same transaction, and the audit
    trail keeps what it was and why it went.
    """
    require(actor, "delete", case)
    locked(case, "status")
    if case.status not in UNANSWERED:
        raise ValidationError(_("已答复或已办结的件不能删除"))
    if not reason.strip():
        raise ValidationError({"reason": _("请说明删除原因")})
    if ProtectiveCase.objects.filter(case=case).exists():
        raise ValidationError(_("已启动保护性跟进的件不能删除"))
    tallies.apply_change(tallies.case_count(case), None)
    audit.record_change(
        actor=actor,
        obj=case,
        action=AuditEntry.Action.DELETE,
        verb="case.delete",
        before=audit.snapshot(case),
        message=reason.strip()[:500],
    )
    case.delete()
