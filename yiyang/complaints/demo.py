"""Demo complaints: half a year of cases from every channel in the demo district, most of them closed.

About 2 cases a month per 1,000 elders arrive by the 12349 hotline, the community desks, the online
form, letters and visits and 12345 transfers. Complaints about home services go to the provider that
served the elder (the demo account ``provider`` is a member of the first provider), the rest to the
street. Most are answered within their deadline and closed after a return call; a few are reopened
after a dissatisfied call, some recent ones are still open and some overdue — the deadline job then
escalates them — so the 办结率 page has something to show against the 95% target.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from yiyang.areas.models import Area, AreaLevel
from yiyang.complaints import tallies
from yiyang.complaints.actions.deadlines import escalate_overdue
from yiyang.complaints.calendar import due_at
from yiyang.complaints.choices import (
    Category,
    Channel,
    EventKind,
    Finding,
    Relation,
    Satisfaction,
    Status,
    UnitKind,
)
from yiyang.complaints.models import Case, CaseEvent, ProviderScore, ScorePoint
from yiyang.complaints.rules import FALLBACK, load_calendar, rule_for
from yiyang.complaints.scoring import compute_month
from yiyang.core import crypto
from yiyang.people.models import Elder
from yiyang.services.models import Provider

CHANNELS = [(Channel.HOTLINE, 40), (Channel.DESK, 20), (Channel.ONLINE, 10), (Channel.LETTER, 5), (Channel.VISIT, 5),
            (Channel.TRANSFER_12345, 20)]  # fmt: skip
CATEGORIES = [(Category.SERVICE_QUALITY, 45), (Category.ALLOWANCE, 15), (Category.INSTITUTION, 5),
              (Category.NEGLECT_ABUSE, 3), (Category.RIGHTS, 7), (Category.POLICY, 20), (Category.OTHER, 5)]  # fmt: skip
TITLES = {
    Category.SERVICE_QUALITY: [
        "助洁服务未按约定上门",
        "助浴服务迟到一小时",
        "送餐饭菜偏凉",
        "服务人员态度生硬",
    ],
    Category.ALLOWANCE: ["高龄津贴本月未到账", "养老服务补贴金额有误", "低保老人助餐补贴未享受"],
    Category.INSTITUTION: ["养老院伙食差", "敬老院收费不透明"],
    Category.NEGLECT_ABUSE: ["独居老人疑似无人照料", "邻居反映老人被家属呵斥"],
    Category.RIGHTS: ["子女拒绝支付赡养费", "老人房屋被侵占"],
    Category.POLICY: ["咨询高龄津贴申领条件", "咨询居家养老服务如何申请", "咨询老年优待证办理"],
    Category.OTHER: ["小区无障碍设施缺失", "建议增设助餐点"],
}


@dataclass
class DemoResult:
    cases: int
    closed: int
    escalated: int


def _pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


def reset() -> None:
    ScorePoint.objects.all().delete()
    ProviderScore.objects.all().delete()
    Case.objects.all().delete()  # and their events


@transaction.atomic
def build(
    *, district_code: str = "320612", seed: int = 5, months: int = 6, per_thousand: float = 2.0
) -> DemoResult:
    reset()
    rng = random.Random(seed)
    district = Area.objects.filter(code=district_code).first()
    if district is None:
        return DemoResult(0, 0, 0)
    elders = list(
        Elder.objects.filter(area_path__startswith=district.path).values_list("pk", "area_id")[:50_000]
    )
    if not elders:
        return DemoResult(0, 0, 0)
    streets = {a.path: a for a in Area.objects.filter(path__startswith=district.path, level=AreaLevel.STREET)}
    area_paths = dict(Area.objects.filter(path__startswith=district.path).values_list("pk", "path"))
    providers = list(Provider.objects.order_by("pk")[:8])
    now = timezone.now()
    start = timezone.localdate() - datetime.timedelta(days=30 * months)
    calendar = load_calendar(start)
    rules: dict[tuple[str, str], tuple[int, str, str]] = {}
    total = max(20, int(len(elders) / 1000 * per_thousand * months))
    cases: list[Case] = []
    plans: list[dict[str, Any]] = []
    for i in range(total):
        channel, category = _pick(rng, CHANNELS), _pick(rng, CATEGORIES)
        received = now - datetime.timedelta(days=rng.uniform(0, 30 * months), minutes=rng.randint(0, 600))
        elder_id, area_id = rng.choice(elders)
        street = streets.get(area_paths[area_id][:9])
        urgent = category == Category.NEGLECT_ABUSE
        key = (channel, category)
        if key not in rules:
            rule = rule_for(channel, category, timezone.localdate())
            rules[key] = (rule.amount, rule.unit, str(rule.name)) if rule else FALLBACK
        amount, unit, basis = rules[key]
        due = due_at(calendar, received, amount, unit, urgent=urgent)
        case = Case(
            number=f"DEMO{i:08d}", channel=channel, category=category, urgent=urgent,
            external_ref=f"{received:%Y%m%d}{i:05d}" if channel == Channel.TRANSFER_12345 else "",
            title=rng.choice(TITLES[category]), content=rng.choice(TITLES[category]) + "，请尽快核实处理。",
            elder_id=elder_id, area_id=area_id, area_path=area_paths[area_id],
            complainant_name=rng.choice(["王女士", "李先生", "张阿姨", "刘大爷", "陈女士", "匿名"]),
            relation=_pick(rng, [(Relation.SELF, 40), (Relation.FAMILY, 45), (Relation.NEIGHBOUR, 10), (Relation.ANONYMOUS, 5)]),
            consent_disclose=rng.random() < 0.2, received_at=received, assigned_at=received + datetime.timedelta(hours=1),
            due_at=due, due_rule="紧急件当日办理" if urgent else basis, remind_at=due - datetime.timedelta(hours=24),
        )  # fmt: skip
        case.complainant_phone_enc = crypto.encrypt(f"139{rng.randint(10_000_000, 99_999_999)}")
        case.complainant_phone_masked = "139****" + f"{rng.randint(0, 9999):04d}"
        if category == Category.SERVICE_QUALITY and providers:
            provider = providers[0] if rng.random() < 0.35 else rng.choice(providers)
            case.subject_provider = provider
            case.unit_kind, case.unit_provider, case.unit_name = UnitKind.PROVIDER, provider, provider.name
        elif street is not None:
            case.unit_kind, case.unit_area, case.unit_name = UnitKind.STREET, street, street.name
        else:
            case.unit_kind, case.unit_name = UnitKind.DEPARTMENT, "区民政局"
        case.status = Status.ASSIGNED
        age_days = (now - received).days
        plan: dict[str, Any] = {}
        # Older cases are mostly answered; a few are late, a few reopened, a few still open.
        if age_days > 3 and rng.random() < (0.97 if age_days > 20 else 0.6):
            late = rng.random() < 0.08
            span = (due - received) * (rng.uniform(1.05, 1.6) if late else rng.uniform(0.2, 0.95))
            replied = min(received + span, now - datetime.timedelta(hours=1))
            case.reply, case.replied_at = "已核实情况并与老人及家属沟通，问题已处理。", replied
            case.finding = _pick(
                rng,
                [(Finding.UPHELD, 35), (Finding.PARTLY, 20), (Finding.NOT_UPHELD, 25), (Finding.ADVICE, 20)],
            )
            case.status = Status.REPLIED
            plan["replied"] = replied
            if age_days > 7 and rng.random() < 0.93:
                called = min(replied + datetime.timedelta(days=rng.uniform(0.5, 3)), now)
                satisfaction = _pick(
                    rng,
                    [(Satisfaction.SATISFIED, 75), (Satisfaction.BASIC, 17), (Satisfaction.DISSATISFIED, 8)],
                )
                case.satisfaction, case.return_called_at = satisfaction, called
                plan["called"] = called
                if satisfaction == Satisfaction.DISSATISFIED and age_days < 40:
                    case.status, case.reopen_count = Status.ASSIGNED, 1
                    case.due_at = due_at(calendar, called, 10, "working_days")
                    plan["reopened"] = called
                else:
                    case.status, case.closed_at, case.on_time = Status.CLOSED, called, replied <= due
                    plan["closed"] = called
        cases.append(case)
        plans.append(plan)
    Case.objects.bulk_create(cases, batch_size=1000)
    for case in cases:
        case.number = f"TS{timezone.localtime(case.received_at):%Y%m%d}{case.pk:06d}"
    Case.objects.bulk_update(cases, ["number"], batch_size=1000)
    events: list[CaseEvent] = []
    for case, plan in zip(cases, plans, strict=True):
        unit = case.unit_name
        events.append(CaseEvent(case=case, kind=EventKind.INTAKE, at=case.received_at, actor_name="季婷婷", unit=unit,
                                note=str(Channel(case.channel).label)))  # fmt: skip
        events.append(CaseEvent(case=case, kind=EventKind.ASSIGN, at=case.assigned_at or case.received_at,
                                actor_name="季婷婷", unit=unit, note=f"交 {unit} 办理"))  # fmt: skip
        if "replied" in plan:
            events.append(CaseEvent(case=case, kind=EventKind.REPLY, at=plan["replied"], actor_name=unit[:50],
                                    unit=unit, note=case.reply))  # fmt: skip
        if "called" in plan:
            events.append(CaseEvent(case=case, kind=EventKind.RETURN_CALL, at=plan["called"], actor_name="季婷婷",
                                    unit=unit, note=str(Satisfaction(case.satisfaction).label)))  # fmt: skip
        if "reopened" in plan:
            events.append(CaseEvent(case=case, kind=EventKind.REOPEN, at=plan["reopened"], actor_name="季婷婷",
                                    unit=unit, note="回访不满意，重新办理"))  # fmt: skip
        if "closed" in plan:
            events.append(CaseEvent(case=case, kind=EventKind.CLOSE, at=plan["closed"], actor_name="季婷婷",
                                    unit=unit, note="按时办结" if case.on_time else "超期办结"))  # fmt: skip
    CaseEvent.objects.bulk_create(events, batch_size=2000)
    escalated = escalate_overdue(now)
    tallies.rebuild()  # the cases were written in bulk, not by the actions that keep the counts
    # The last three months' scorecards, so the credit list has something to show.
    month = timezone.localdate().replace(day=1)
    for _ in range(3):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        compute_month(month)
    closed = sum(1 for c in cases if c.status == Status.CLOSED)
    return DemoResult(len(cases), closed, escalated)
