"""Demo home adaptation: the catalogue and caps, two contractors (the account ``contractor`` works for
the first), this year's eligible households of the demo district's first street enrolled from the
registry, and projects at every step: surveyed, approved, under way, accepted and paid (their call
devices in safety's registry), one opted out in writing because the elder lives in a care home.

Run again, it changes nothing: rules and contractors are found by their keys, enrolment adds only
newly certified households, and the walk through the steps runs only for a street with no project yet.
"""

from __future__ import annotations

import datetime
import struct
import zlib
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from yiyang.accounts.models import User
from yiyang.accounts.roles import Role
from yiyang.adaptation import actions
from yiyang.adaptation.choices import Acceptor, OptOutReason, PhotoStage, Status
from yiyang.adaptation.models import CapRule, CatalogueItem, Contractor, Project, add_months
from yiyang.areas.models import Area, AreaLevel

RULES_FROM = datetime.date(2024, 1, 1)
BASIS = "区民政局 适老化改造实施方案"

#: (code, name, unit, price, device kind)
CATALOGUE = [
    ("A01", "卫生间扶手", "个", "180.00", ""),
    ("A02", "床边扶手", "个", "260.00", ""),
    ("A03", "防滑地垫（铺设）", "平方米", "85.00", ""),
    ("A04", "感应夜灯", "个", "45.00", ""),
    ("A05", "坐便器增高垫", "个", "120.00", ""),
    ("A06", "淋浴椅", "把", "150.00", ""),
    ("A07", "一键呼叫器", "台", "380.00", "sos_button"),
    ("A08", "独立式烟感报警器", "台", "160.00", "smoke"),
]
CAPS = [("", "3000.00"), ("tekun", "3500.00"), ("dibao", "3500.00")]
CONTRACTORS = [
    ("通州安居适老化工程有限公司", "contractor", "施", "工员"),
    ("金沙无障碍改造服务部", "", "", ""),
]
#: The plan every demo household gets: grab bars, anti-slip, night light, raised toilet, call device.
PLAN = [("A01", 2), ("A03", 4), ("A04", 2), ("A05", 1), ("A07", 1)]


@dataclass
class AdaptationDemoResult:
    enrolled: int = 0
    projects: int = 0
    paid: int = 0
    devices: int = 0


def png(seed: int) -> bytes:
    """A small valid PNG whose colour depends on ``seed`` (a distinct picture per project and stage)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    colour = bytes([seed % 251, (seed // 251) % 251, (seed * 7) % 251])
    rows = b"".join(b"\x00" + colour * 8 for _ in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def ensure_rules() -> None:
    for code, name, unit, price, device in CATALOGUE:
        CatalogueItem.objects.get_or_create(
            code=code, valid_from=RULES_FROM,
            defaults={"name": name, "unit": unit, "price": Decimal(price), "device_kind": device, "basis": BASIS},
        )  # fmt: skip
    for category, amount in CAPS:
        CapRule.objects.get_or_create(
            category=category, valid_from=RULES_FROM, defaults={"amount": Decimal(amount), "basis": BASIS}
        )


def ensure_contractors() -> list[Contractor]:
    from yiyang.people.demo import DEMO_PASSWORD

    made = []
    for name, username, last, first in CONTRACTORS:
        contractor, _ = Contractor.objects.get_or_create(
            name=name,
            defaults={"contact_name": f"{last}{first}" or "王经理", "contact_phone": "0513-8000 0000"},
        )
        made.append(contractor)
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create(
                    username=username, role=Role.CONTRACTOR, last_name=last, first_name=first, organisation=name,
                    password=make_password(DEMO_PASSWORD),
                )  # fmt: skip
            actions.contractor_add_member(contractor=contractor, user=user, actor=None)
    return made


@transaction.atomic
def build(*, district_code: str = "320612") -> AdaptationDemoResult:
    result = AdaptationDemoResult()
    ensure_rules()
    contractors = ensure_contractors()
    district = Area.objects.filter(code=district_code).first()
    if district is None:
        return result
    street = Area.objects.filter(parent=district, level=AreaLevel.STREET).order_by("path").first()
    if street is None:
        return result
    walked = Project.objects.filter(area_path__startswith=street.path).exists()
    result.enrolled = actions.project_enrol_eligible(area=street, actor=None)
    if not walked:
        _walk(street, contractors, result)
    result.projects = Project.objects.count()
    result.paid = Project.objects.filter(status=Status.PAID).count()
    return result


def _walk(street: Area, contractors: list[Contractor], result: AdaptationDemoResult) -> None:
    """Projects of the street at every step, through the same actions the pages call."""
    today = timezone.localdate()
    items = {i.code: i for i in CatalogueItem.objects.filter(valid_from=RULES_FROM)}
    plan = [actions.PlanItem(items[code], qty) for code, qty in PLAN]
    projects = list(
        Project.objects.filter(area_path__startswith=street.path, status=Status.ENROLLED)
        .select_related("elder").order_by("category", "id")[:40]
    )  # fmt: skip
    steps = ["survey", "approve", "assign", "works", "accept", "pay", "pay_old", "opt_out"]
    for n, project in enumerate(projects):
        step = steps[n % len(steps)] if n < 32 else ""
        if not step:
            continue
        if step == "opt_out":
            actions.project_opt_out(
                project=project, reason=OptOutReason.INSTITUTION, signed_on=today, actor=None,
                statement=f"本人{project.elder.name}已入住养老机构，自愿放弃本年度居家适老化改造。（老人签字、社区盖章）",
            )  # fmt: skip
            continue
        actions.project_survey(project=project, surveyed_on=today, surveyor="社区 李网格", note="卫生间无扶手，地面湿滑",
                               items=plan, actor=None)  # fmt: skip
        if step == "survey":
            continue
        actions.project_approve(project=project, actor=None)
        if step == "approve":
            continue
        actions.project_assign(project=project, contractor=contractors[n % 2], actor=None)
        if step == "assign":
            continue
        actions.project_add_photo(
            project=project, stage=PhotoStage.BEFORE, content=png(project.pk * 2), actor=None
        )
        if step == "works":
            continue
        actions.project_add_photo(
            project=project, stage=PhotoStage.AFTER, content=png(project.pk * 2 + 1), actor=None
        )
        serials = {
            line.pk: f"SL{project.year}-{project.pk:05d}-SOS"
            for line in project.lines.exclude(item__device_kind="")
        }
        actions.project_finish_works(project=project, finished_on=today, serials=serials, actor=None)
        actions.project_accept(project=project, elder_signed=True, acceptor=Acceptor.THIRD_PARTY,
                               acceptor_name="通州工程质量检测中心", accepted_on=today, note="合格", actor=None)  # fmt: skip
        result.devices += 1
        if step == "accept":
            continue
        actions.project_pay(project=project, amount=project.plan_total, paid_on=today, reference=f"FK{project.pk:06d}",
                            actor=None)  # fmt: skip
        if step == "pay_old":
            # Accepted four months ago (dated back for the demo): its use check is due now.
            accepted = add_months(today, -4)
            Project.objects.filter(pk=project.pk).update(
                works_finished_on=accepted, accepted_on=accepted, paid_on=accepted,
                use_check_from=add_months(accepted, 3), use_check_to=add_months(accepted, 6),
            )  # fmt: skip
