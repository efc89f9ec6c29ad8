"""Demo assessments: confirmed GB/T 42195 assessments with realistic answers for a share of the elders.

Written set-based (``bulk_create`` in batches, one ``UPDATE`` per batch for the elders' 能力等级), so
the main demo can call :func:`load_demo_assessments` after loading elders. Answers are generated for a
target level (the elder's existing demo level if set, else drawn by age: more severe when older), then
scored by the real scoring function, so stored subtotals, totals and levels always agree.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from yiyang.assessments import scoring
from yiyang.assessments.choices import Reason, Scheme, Status
from yiyang.assessments.models import Assessment, add_months
from yiyang.assessments.selectors import rules_in_force
from yiyang.core import audit
from yiyang.people import stats
from yiyang.people.models import Elder

BATCH = 2000
#: Chance of each target level by age bracket (60s, 70s, 80s, 90s, 100+): more severe at older ages.
LEVEL_WEIGHTS = (
    (0.70, 0.18, 0.07, 0.03, 0.02),
    (0.55, 0.24, 0.11, 0.06, 0.04),
    (0.38, 0.28, 0.17, 0.10, 0.07),
    (0.22, 0.28, 0.22, 0.16, 0.12),
    (0.12, 0.24, 0.26, 0.20, 0.18),
)
#: How readily each item loses points as capability declines (instrumental and mobility first).
FRAGILITY = {
    "B.4.3": 6,
    "B.4.4": 6,
    "B.1.3": 5,
    "B.2.4": 5,
    "B.2.3": 4,
    "B.4.5": 3,
    "B.3.4": 3,
    "B.1.5": 3,
    "B.1.2": 2,
    "B.1.4": 2,
    "B.1.8": 2,
    "B.2.2": 2,
    "B.2.1": 2,
    "B.1.6": 2,
    "B.1.7": 2,
    "B.3.1": 2,
    "B.3.2": 2,
    "B.4.1": 1,
    "B.4.2": 1,
    "B.3.5": 1,
    "B.3.6": 1,
    "B.1.1": 1,
    "B.3.3": 1,
    "B.3.8": 1,
    "B.3.7": 0.3,
    "B.3.9": 0.3,
}
ASSESSORS = ("王建华", "李秀梅", "张国强", "陈丽娟", "刘晓东", "周海燕", "吴志刚", "孙美玲")
ORGANISATION = "区老年人能力评估中心（演示）"


@dataclass
class DemoAssessmentResult:
    created: int
    by_level: dict[int, int]
    skipped: int


def bracket_of(age: int) -> int:
    return min(max((age - 60) // 10, 0), 4)


def answers_for_total(total: int, rng: random.Random) -> dict[str, int]:
    """Answers summing to ``total``: points are taken from fragile items first, at random."""
    answers = {item.code: item.max_score for item in scoring.GB_ITEMS}
    deficit = scoring.GB_MAX_TOTAL - total
    codes = list(answers)
    while deficit > 0:
        open_codes = [c for c in codes if answers[c] > 0]
        code = rng.choices(open_codes, weights=[FRAGILITY[c] for c in open_codes])[0]
        answers[code] -= 1
        deficit -= 1
    return answers


def case_for_level(level: int, rng: random.Random) -> tuple[dict[str, int], scoring.ChangeFacts]:
    """Answers and change facts whose final level (default rules) is ``level``."""
    facts = scoring.ChangeFacts()
    preliminary = level
    r = rng.random()
    if level >= 2 and r < 0.12:
        preliminary, facts = level - 1, scoring.ChangeFacts(dementia=True)
    elif level >= 2 and r < 0.18:
        preliminary, facts = level - 1, scoring.ChangeFacts(risk_events={"fall": 2})
    elif level == 4 and r < 0.22:
        preliminary, facts = rng.choice((2, 3)), scoring.ChangeFacts(coma=True)
    _, low, high = scoring.GB_LEVEL_BANDS[preliminary]
    answers = answers_for_total(rng.randint(low, high), rng)
    if facts.coma:
        answers["B.3.9"] = 0
    return answers, facts


def load_demo_assessments(
    elder_ids: Sequence[int], today: datetime.date | None = None, *, seed: int = 42, actor: object = None
) -> DemoAssessmentResult:
    """Create one confirmed assessment for each elder in ``elder_ids`` that has none yet, and set the
    elders' 能力等级 to its final level; then rebuild the statistics."""
    today = today or timezone.localdate()
    rng = random.Random(seed)
    by_level = dict.fromkeys(range(5), 0)
    created = skipped = 0
    ids = sorted(set(elder_ids))
    with transaction.atomic():
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            rows = list(
                Elder.objects.filter(pk__in=chunk)
                .exclude(assessments__isnull=False)
                .values_list("pk", "birth_date", "capability_level", "area_path")
            )
            skipped += len(chunk) - len(rows)
            batch: list[Assessment] = []
            in_force = rules_in_force(rows[0][3], today) if rows else None
            for pk, birth_date, current, _area_path in rows:
                age = (
                    today.year
                    - birth_date.year
                    - ((today.month, today.day) < (birth_date.month, birth_date.day))
                )
                level = (
                    current
                    if current is not None
                    else rng.choices(range(5), LEVEL_WEIGHTS[bracket_of(age)])[0]
                )
                answers, facts = case_for_level(level, rng)
                assert in_force is not None
                result = scoring.score_gb42195(answers, facts, in_force.rules)
                assessed_on = today - datetime.timedelta(days=rng.randint(0, 420))
                assessor = rng.choice(ASSESSORS)
                batch.append(
                    Assessment(
                        elder_id=pk,
                        scheme=Scheme.GB42195,
                        reason=Reason.ROUTINE if rng.random() < 0.25 else Reason.FIRST,
                        assessed_on=assessed_on,
                        valid_to=add_months(assessed_on, in_force.reassessment_months),
                        assessor_name=assessor,
                        organisation=ORGANISATION,
                        answers=answers,
                        coma=facts.coma,
                        dementia=facts.dementia,
                        risk_falls=facts.risk_events.get("fall", 0),
                        subtotals=result.subtotals,
                        total=result.total,
                        preliminary_level=result.preliminary_level,
                        final_level=result.final_level,
                        level_changes=[c.as_dict() for c in result.changes],
                        config=in_force.config,
                        rules_applied=in_force.snapshot(),
                        status=Status.CONFIRMED,
                        confirmed_at=timezone.make_aware(
                            datetime.datetime.combine(assessed_on, datetime.time(10))
                        ),
                        confirmed_by=assessor,
                        notes="演示数据",
                    )
                )
                by_level[result.final_level] += 1
            Assessment.objects.bulk_create(batch, batch_size=BATCH)
            created += len(batch)
            latest = (
                Assessment.objects.filter(elder=OuterRef("pk"), status=Status.CONFIRMED)
                .order_by("-assessed_on", "-id")
                .values("final_level")[:1]
            )
            Elder.objects.filter(pk__in=chunk).update(capability_level=Subquery(latest))
        if created:
            audit.record_bulk(
                actor=actor,
                object_type="assessments.assessment",
                verb="assessment.demo_load",
                area_path="",
                message=f"生成演示能力评估 {created} 条（随机种子 {seed}），老人能力等级随之更新",
                after={"created": created, "by_level": by_level, "seed": seed},
            )
    stats.rebuild(today=today)
    return DemoAssessmentResult(created, by_level, skipped)


def pick_demo_elders(share: float, *, seed: int = 42) -> list[int]:
    """A share of the living elders without an assessment: those whose demo data already carries a
    能力等级 first (so that every level has an assessment behind it), then others at random."""
    base = Elder.objects.filter(status="living", assessments__isnull=True)
    total = Elder.objects.filter(status="living").count()
    wanted = round(total * share)
    leveled = list(base.filter(capability_level__isnull=False).values_list("pk", flat=True))
    rng = random.Random(seed)
    rng.shuffle(leveled)
    chosen = leveled[:wanted]
    if len(chosen) < wanted:
        others = list(base.filter(capability_level__isnull=True).values_list("pk", flat=True))
        rng.shuffle(others)
        chosen += others[: wanted - len(chosen)]
    return chosen
