"""Enrolment, application, survey, approval, assignment and opt-out of adaptation projects."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.adaptation.actions.common import WORKFLOW, expect, record
from yiyang.adaptation.choices import (
    ELIGIBLE_CATEGORIES,
    OPEN_FOR_OPT_OUT,
    Category,
    OptOutReason,
    Source,
    Status,
)
from yiyang.adaptation.models import CapRule, CatalogueItem, Contractor, PlanLine, Project
from yiyang.areas.models import Area
from yiyang.core import audit
from yiyang.core.dated import in_force_q
from yiyang.core.i18n import stored
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import grant_membership, require, scope_sql
from yiyang.core.workflow import locked
from yiyang.people.choices import ElderStatus
from yiyang.people.models import Certification, Elder


def cap_for(category: str, day: datetime.date) -> Decimal:
    """The per-household cap in force on ``day`` for ``category``: its own rule, else the general one."""
    rules = CapRule.objects.filter(in_force_q(day)).filter(Q(category=category) | Q(category=""))
    best = sorted(rules, key=lambda r: (r.category != category, -r.valid_from.toordinal()))
    if not best:
        raise ValidationError(_("%(day)s 没有生效的每户补助上限，请先设置") % {"day": f"{day:%Y-%m-%d}"})
    return best[0].amount


# -- enrolment ---------------------------------------------------------------------------------------


def _insert_columns(given: list[str]) -> tuple[list[str], list[Any]]:
    """The project table's columns: ``given`` first, then every other with its default value."""
    columns: list[str] = [str(Project._meta.get_field(n).column) for n in given]  # type: ignore[union-attr]
    defaults: list[Any] = []
    now = timezone.now()
    for f in Project._meta.concrete_fields:
        if f.name in given or f.primary_key:
            continue
        columns.append(str(f.column))
        value = now if f.name in ("created_at", "updated_at") else f.get_default()
        defaults.append(f.get_db_prep_save(value, connection))
    return columns, defaults


@transaction.atomic
def project_enrol_eligible(*, area: Area, actor: Any, on: datetime.date | None = None) -> int:
    """纳入: every living elder of ``area`` certified 特困, 低保, 低边 or 三老 on ``on`` becomes a project
    of that year (one per household and year: running it again adds only the newly certified).

    One ``INSERT … SELECT`` per category, the cap frozen from the rule in force; an elder in two
    categories is enrolled under the first of 特困, 低保, 低边, 三老.
    """
    require(actor, "enrol", Project)
    if not Area.objects.for_user(actor, "view").filter(pk=area.pk).exists() and actor is not None:
        raise ValidationError(_("该区域不在您的管辖范围内"))
    day = on or timezone.localdate()
    given = ["elder", "area_path", "year", "source", "category", "status", "cap", "enrolled_on"]
    columns, defaults = _insert_columns(given)
    scope, scope_params = scope_sql(actor, Elder, "e", "view") if actor is not None else ("1 = 1", [])
    order = [Category.TEKUN, Category.DIBAO, Category.DIBIAN, Category.SANLAO]
    assert set(order) == set(ELIGIBLE_CATEGORIES)
    project, elder, cert = Project._meta.db_table, Elder._meta.db_table, Certification._meta.db_table
    defaults_sql = ", ".join(["%s"] * len(defaults))
    created = 0
    with connection.cursor() as cursor:
        for category in order:
            cap = cap_for(category, day)
            cursor.execute(
                f"INSERT INTO {project} ({', '.join(columns)}) "
                f"SELECT e.id, e.area_path, %s, %s, %s, %s, %s, %s, {defaults_sql} FROM {elder} e "
                f"WHERE e.area_path LIKE %s AND e.status = %s AND ({scope}) "
                f"AND EXISTS (SELECT 1 FROM {cert} c WHERE c.elder_id = e.id AND c.category = %s "
                f"AND c.valid_from <= %s AND (c.valid_to IS NULL OR c.valid_to >= %s)) "
                f"AND NOT EXISTS (SELECT 1 FROM {project} p WHERE p.elder_id = e.id AND p.year = %s)",
                [day.year, Source.REGISTRY, category, Status.ENROLLED, cap, day, *defaults,
                 f"{area.path}%", ElderStatus.LIVING, *scope_params, category, day, day, day.year],
            )  # fmt: skip
            created += max(cursor.rowcount, 0)
    audit.record_bulk(
        actor=actor,
        object_type=Project._meta.label_lower,
        verb="project.enrol",
        area_path=area.path,
        message=f"从台账纳入{area.name}{day.year}年改造对象 {created} 户",
        after={"created": created, "year": day.year},
    )
    return created


@transaction.atomic
def project_apply(*, elder: Elder, note: str, actor: Any, on: datetime.date | None = None) -> Project:
    """个人申请: an elder (or family) applies; a household certified in an eligible category keeps
    that category and its cap, anyone else gets the general cap. Applying twice in a year finds the
    project already made."""
    day = on or timezone.localdate()
    existing = Project.objects.filter(elder=elder, year=day.year).first()
    if existing is not None:
        require(actor, "view", existing)
        return existing
    if elder.status != ElderStatus.LIVING:
        raise ValidationError(_("该老人不在册，不能申请"))
    held = set(
        Certification.objects.filter(elder=elder).filter(in_force_q(day)).values_list("category", flat=True)
    )
    category = next(
        (c for c in (Category.TEKUN, Category.DIBAO, Category.DIBIAN, Category.SANLAO) if c in held),
        Category.APPLICATION,
    )
    project = Project(
        elder=elder, year=day.year, source=Source.APPLICATION, category=category,
        cap=cap_for(category, day), enrolled_on=day, application_note=note.strip(),
    )  # fmt: skip
    project.area_path = elder.area_path
    require(actor, "add", project)
    project.save()
    audit.record_change(
        actor=actor, obj=project, action=AuditEntry.Action.CREATE, verb="project.apply",
        after=audit.snapshot(project), message=f"受理适老化改造申请：{note.strip()}"[:300],
    )  # fmt: skip
    return project


# -- survey and plan ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItem:
    item: CatalogueItem
    quantity: int


@transaction.atomic
def project_survey(
    *, project: Project, surveyed_on: datetime.date, surveyor: str, note: str, items: list[PlanItem],
    actor: Any,
) -> Project:  # fmt: skip
    """入户勘查: the plan's items priced from the catalogue in force on the survey day. A plan over the
    household's cap is refused with the amounts; a new survey replaces the plan until it is approved."""
    require(actor, "survey", project)
    locked(project, "status")
    expect(project, Status.ENROLLED, Status.SURVEYED)
    if surveyed_on > timezone.localdate():
        raise ValidationError({"surveyed_on": _("勘查日期不能晚于今天")})
    if surveyed_on < project.enrolled_on:
        raise ValidationError({"surveyed_on": _("勘查日期不能早于纳入日期")})
    wanted = [i for i in items if i.quantity > 0]
    if not wanted:
        raise ValidationError(_("请至少选择一项改造内容"))
    if len({i.item.code for i in wanted}) != len(wanted):
        raise ValidationError(_("同一改造项目只能填写一行"))
    lines = []
    for entry in wanted:
        current = CatalogueItem.objects.filter(code=entry.item.code).filter(in_force_q(surveyed_on)).first()
        if current is None:
            raise ValidationError(
                _("“%(item)s”在 %(day)s 不在改造项目目录中")
                % {"item": entry.item.name, "day": f"{surveyed_on:%Y-%m-%d}"}
            )
        lines.append(
            PlanLine(project=project, item=current, quantity=entry.quantity, unit_price=current.price,
                     amount=current.price * entry.quantity)
        )  # fmt: skip
    total = sum((line.amount for line in lines), Decimal(0))
    if total > project.cap:
        raise ValidationError(
            _("方案金额 %(total)s 元超过每户补助上限 %(cap)s 元，请调整改造内容")
            % {"total": f"{total:,.2f}", "cap": f"{project.cap:,.2f}"}
        )
    before = audit.snapshot(project)
    PlanLine.objects.filter(project=project).delete()
    PlanLine.objects.bulk_create(lines)
    project.surveyed_on, project.surveyor, project.survey_note = surveyed_on, surveyor.strip(), note.strip()
    project.plan_total, project.status = total, Status.SURVEYED
    project.save()
    listing = "；".join(f"{line.item.name}×{line.quantity}" for line in lines)
    record(project, "survey", f"入户勘查，方案 {total:.2f} 元：{listing}"[:300], actor, before)
    return project


@transaction.atomic
def project_approve(*, project: Project, actor: Any) -> Project:
    """街道审批: the plan within the cap (checked again on the locked row)."""
    require(actor, "approve", project)
    locked(project, "status")
    expect(project, Status.SURVEYED)
    if project.plan_total > project.cap:
        raise ValidationError(_("方案金额超过每户补助上限，不能审批"))
    before = audit.snapshot(project)
    project.status, project.approved_at, project.approved_by = Status.APPROVED, timezone.now(), actor
    project.save()
    record(project, "approve", f"审批改造方案 {project.plan_total:.2f} 元", actor, before)
    return project


@transaction.atomic
def project_assign(*, project: Project, contractor: Contractor, actor: Any) -> Project:
    """指派施工单位: from now on the contractor's staff see the project."""
    require(actor, "approve", project)
    locked(project, "status")
    expect(project, Status.APPROVED)
    if not contractor.is_active:
        raise ValidationError({"contractor": _("该施工单位已不在册")})
    before = audit.snapshot(project)
    project.contractor, project.status, project.assigned_at = contractor, Status.ASSIGNED, timezone.now()
    project.save()
    record(project, "assign", f"指派施工单位：{contractor.name}", actor, before)
    return project


# -- opt-out -----------------------------------------------------------------------------------------


@transaction.atomic
def project_opt_out(
    *, project: Project, reason: str, statement: str, signed_on: datetime.date, actor: Any
) -> Project:
    """放弃改造: recorded in writing (the household's statement and the day it was signed) with the
    reason, e.g. the elder lives in a care home. Only before the works are done."""
    require(actor, "optout", project)
    locked(project, "status")
    expect(project, *OPEN_FOR_OPT_OUT)
    if reason not in OptOutReason.values:
        raise ValidationError({"reason": _("请选择放弃原因")})
    if not statement.strip():
        raise ValidationError({"statement": _("放弃改造须有书面声明，请录入声明内容")})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("签署日期不能晚于今天")})
    before = audit.snapshot(project)
    project.status, project.opt_out_reason = Status.OPTED_OUT, reason
    project.opt_out_statement, project.opt_out_signed_on = statement.strip(), signed_on
    project.save()
    record(project, "opt_out", f"放弃改造：{stored(OptOutReason(reason).label)}", actor, before)
    return project


# -- contractors -------------------------------------------------------------------------------------


@transaction.atomic
def contractor_add_member(*, contractor: Contractor, user: Any, actor: Any) -> bool:
    """Make ``user`` (a 施工单位人员 account) staff of ``contractor``: they see its projects."""
    require(actor, "change", contractor)
    if getattr(user, "role", "") != "contractor":
        raise ValidationError(_("只有施工单位人员账号可以加入施工单位"))
    _row, created = grant_membership(user, contractor)
    if created:
        audit.record_change(
            actor=actor, obj=contractor, action=WORKFLOW, verb="contractor.member_add",
            message=f"加入施工单位人员：{user.get_username()}",
        )  # fmt: skip
    return created
