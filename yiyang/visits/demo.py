"""Demo data for visits: the district's visit rules, a grid worker, last month's and this month's tasks.

Rules follow the issue's example (独居 80+ monthly, 特困 and 失能 every two weeks, 空巢 quarterly, a visit
within three days of a real alarm). A grid worker ``wangge`` works the first grid of the demo community
(the community worker ``dongshi`` keeps the rest). Last month is mostly visited, with a few visits
left undone so the street has overdue visits to follow up; this month has a few visits recorded.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from yiyang.accounts.models import AreaAssignment, User
from yiyang.accounts.roles import Role
from yiyang.areas.models import Area, AreaLevel
from yiyang.core.scoping import grant_membership
from yiyang.people.choices import LivingSituation
from yiyang.visits import actions, campaigns
from yiyang.visits.choices import (
    Condition,
    ContributorKind,
    Cycle,
    Festival,
    GiftKind,
    Mood,
    Seen,
    SignedBy,
    TaskStatus,
    Trigger,
)
from yiyang.visits.models import Campaign, Contributor, Recipient, VisitRule, VisitTask

DEMO_PASSWORD = "Yiyang@2026"
GRID_WORKER = "wangge"
RULES: list[dict[str, Any]] = [
    {"name": "特困老人", "rank": 1, "category": "tekun", "cycle": Cycle.HALF_MONTH, "note": "特困供养人员每半月走访"},
    {"name": "失能老人", "rank": 2, "min_capability": 1, "cycle": Cycle.HALF_MONTH, "note": "失能老人每半月走访"},
    {"name": "80岁以上独居", "rank": 3, "min_age": 80, "living_situation": LivingSituation.ALONE, "cycle": Cycle.MONTH,
         "note": "高龄独居老人每月走访"},
    {"name": "孤寡老人", "rank": 4, "living_situation": LivingSituation.GUGUA, "cycle": Cycle.MONTH, "note": "孤寡老人每月走访"},
    {"name": "空巢老人", "rank": 5, "living_situation": LivingSituation.EMPTY_NEST, "cycle": Cycle.QUARTER,
         "note": "空巢老人每季度走访"},
    {"name": "真实警情后回访", "rank": 9, "cycle": Cycle.EVENT, "trigger": Trigger.REAL_ALARM, "within_days": 3,
         "note": "紧急呼叫处置后 3 天内上门回访"},
]  # fmt: skip


@dataclass
class VisitsDemoResult:
    rules: int = 0
    tasks: int = 0
    records: int = 0
    worker: str = GRID_WORKER
    campaign: str = ""
    recipients: int = 0
    contributions: int = 0


CONTRIBUTORS = [
    ("通州区总工会", ContributorKind.UNION, "gonghui", "工", "会员"),
    ("通州区妇联", ContributorKind.WOMEN, "fulian", "妇", "联员"),
    ("共青团通州区委", ContributorKind.YOUTH, "", "", ""),
    ("通州区慈善总会", ContributorKind.CHARITY, "", "", ""),
]


def ensure_campaign(district: Area, rng: random.Random, result: VisitsDemoResult) -> None:
    """A 重阳 campaign of the district: 80+ 独居 and 特困 from the rules, the union and the women's
    federation registering for the first street, a few elders counted by both for the street to resolve."""
    hashed = make_password(DEMO_PASSWORD)
    contributors = []
    for name, kind, username, last, first in CONTRIBUTORS:
        contributor, _created = Contributor.objects.get_or_create(name=name, defaults={"kind": kind})
        contributors.append(contributor)
        if username:
            user = User.objects.filter(username=username).first() or User(
                username=username, role=Role.PARTNER_STAFF, last_name=last, first_name=first, organisation=name,
                password=hashed,
            )  # fmt: skip
            user.save()
            grant_membership(user, contributor)
    today = timezone.localdate()
    year = today.year if today.month < 11 else today.year + 1
    campaign, created = Campaign.objects.get_or_create(
        name=f"{year}年重阳节（敬老月）慰问", area=district,
        defaults={"festival": Festival.CHONGYANG, "budget": Decimal("800000.00"), "standard": Decimal("500.00"),
                  "start_date": today, "end_date": today + datetime.timedelta(days=45)},
    )  # fmt: skip
    result.campaign = campaign.name
    if not created:
        return
    campaign.target_rules.set(VisitRule.objects.filter(name__in=["80岁以上独居", "特困老人"]))
    result.recipients = campaigns.recipients_from_rules(campaign=campaign, actor=None)
    street = Area.objects.filter(parent=district, level=AreaLevel.STREET).order_by("path").first()
    if street is None:
        return
    listed = list(
        Recipient.objects.filter(campaign=campaign, area_path__startswith=street.path)
        .select_related("elder").order_by("id")[:80]
    )  # fmt: skip
    union, women = contributors[0], contributors[1]
    for n, recipient in enumerate(listed):
        giver, what, gift, amount = (
            (union, "慰问金", GiftKind.MONEY, Decimal("300")) if n % 2 == 0
            else (women, "米、油、牛奶慰问品", GiftKind.GOODS, Decimal("200"))
        )  # fmt: skip
        campaigns.contribution_add(campaign=campaign, contributor=giver, elder=recipient.elder, kind=gift,
                                   description=what, amount=amount, actor=None)  # fmt: skip
        result.contributions += 1
        if n % 10 == 1:  # the women's federation's elder also on the union's list: a duplicate to resolve
            campaigns.contribution_add(campaign=campaign, contributor=union, elder=recipient.elder,
                                       kind=GiftKind.MONEY, description="慰问金", amount=Decimal("300"),
                                       actor=None)  # fmt: skip
            result.contributions += 1


def ensure_rules() -> int:
    for row in RULES:
        VisitRule.objects.update_or_create(
            name=row["name"], defaults={**row, "valid_from": datetime.date(2024, 1, 1)}
        )
    return len(RULES)


def ensure_grid_worker() -> User | None:
    community_user = User.objects.filter(username="dongshi").first()
    community = (
        Area.objects.filter(assignments__user=community_user, level=AreaLevel.COMMUNITY).first()
        if community_user
        else None
    )
    grid = (
        Area.objects.filter(parent=community, level=AreaLevel.GRID).order_by("path").first()
        if community
        else None
    )
    if grid is None:
        return None
    user = User.objects.filter(username=GRID_WORKER).first() or User(
        username=GRID_WORKER, role=Role.COMMUNITY_WORKER, last_name="陈", first_name="网格",
        organisation=f"{community.name}网格员" if community else "", password=make_password(DEMO_PASSWORD),
    )  # fmt: skip
    user.is_active = True
    user.save()
    AreaAssignment.objects.get_or_create(user=user, area=grid)
    return user


def _previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def _visit(task: VisitTask, rng: random.Random, when: datetime.datetime) -> bool:
    seen = rng.choices([Seen.ELDER, Seen.FAMILY, Seen.NOBODY], [80, 12, 8])[0]
    data = actions.VisitInput(
        client_key=f"demo-{uuid.uuid4()}", seen=seen, checked_in_at=when,
        health=rng.choice(Condition.values), living=rng.choice(Condition.values), mood=rng.choice(Mood.values),
        signed_by=SignedBy.ELDER if seen == Seen.ELDER else SignedBy.FAMILY, signer_name=task.elder.name,
        latitude=task.elder.latitude, longitude=task.elder.longitude,
    )  # fmt: skip
    if seen == Seen.NOBODY:
        data.signed_by, data.signer_name = SignedBy.NONE, ""
    _record, new = actions.visit_record(task=task, data=data, actor=None)
    return new


@transaction.atomic
def run_visits_demo(
    *, visited_last_month: float = 0.85, this_month: int = 40, seed: int = 13
) -> VisitsDemoResult:
    result = VisitsDemoResult(rules=ensure_rules())
    ensure_grid_worker()
    district = Area.objects.filter(level=AreaLevel.DISTRICT).order_by("path").first()
    if district is None:
        return result
    rng = random.Random(seed)
    today = timezone.localdate()
    last = _previous_month(today)
    for month in (last, today):
        made = actions.tasks_generate(area=district, month=f"{month:%Y-%m}", actor=None)
        result.tasks += made.total
    # Visits recorded through the action (a few hundred at most: the demo stays fast).
    already = VisitTask.objects.exclude(status=TaskStatus.OPEN).exists()
    if not already:
        done = 0
        open_last = VisitTask.objects.filter(
            status=TaskStatus.OPEN, due_date__lt=today, retry_of__isnull=True
        )
        sample = list(open_last.select_related("elder").order_by("id")[:400])
        for task in sample:
            if rng.random() < visited_last_month:
                when = timezone.make_aware(
                    datetime.datetime.combine(task.window_start + datetime.timedelta(days=rng.randrange(0, 10)),
                                              datetime.time(rng.randrange(9, 17), rng.randrange(60)))
                )  # fmt: skip
                done += _visit(task, rng, when)
        current = VisitTask.objects.filter(
            status=TaskStatus.OPEN, window_start__lte=today, due_date__gte=today
        )
        for task in current.select_related("elder").order_by("?")[:this_month]:
            done += _visit(task, rng, timezone.now() - datetime.timedelta(hours=rng.randrange(1, 48)))
        result.records = done
    actions.escalate_overdue(today=today)
    ensure_campaign(district, rng, result)
    return result
