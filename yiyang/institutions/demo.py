"""Demo data for institutional care, in seed 004's numbers.

Seed 004 inventories one district's homes: 4 public 敬老院 with 208 beds for 五保 elders, and 7 private
homes with 560 design beds (爱心养老院 82 "现有入住老人40余人", 夕阳红养老院 82 "30多人", 关爱孤老幸福养老院
120 "16人", 伯大尼养老院 60, 喜悦养老院 60 医养结合, 慈善医院养老院 76, 永寿养老院 80 "争创省级三星级").
The demo opens them across the demo district's streets with their beds, a liability policy each (one
expiring soon, one home uninsured: the alerts have something to show) and a home staff account.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yiyang.areas.models import Area, AreaLevel
from yiyang.core import scoping
from yiyang.institutions.actions.residents import CARE_LEVEL_FOR_CAPABILITY, RETENTION_YEARS
from yiyang.institutions.choices import (
    BedKind,
    DischargeReason,
    InstitutionKind,
    LicenceKind,
    MedicalIntegration,
    Risk,
    StayKind,
    StayStatus,
)
from yiyang.institutions.models import (
    Bed,
    BedAssignment,
    Institution,
    InsurancePolicy,
    Resident,
    RiskAssessment,
    RiskItem,
)
from yiyang.institutions.models.facility import rooms_for
from yiyang.institutions.models.safety import (
    ChecklistItem,
    Finding,
    Incident,
    Inspection,
    RoundLog,
    StarAssessment,
    StarThreshold,
)
from yiyang.institutions.models.subsidies import SubsidyRoll, SubsidyRule
from yiyang.institutions.stars import CHANGSHA
from yiyang.people import stats
from yiyang.people.models import Elder

STAFF_USERNAME = "yanglao"


@dataclass(frozen=True)
class Home:
    name: str
    kind: str
    beds: int
    residents: int  # 现有入住 in the seed (estimated where it gives none)
    floor_area: int
    medical: str = ""
    operator: str = ""


HOMES: tuple[Home, ...] = (
    Home("榆林敬老院", InstitutionKind.PUBLIC, 56, 40, 3330, operator="区民政局"),
    Home("路口敬老院", InstitutionKind.PUBLIC, 50, 36, 3300, operator="区民政局"),
    Home(
        "村南养老服务中心",
        InstitutionKind.PUBLIC_PRIVATE,
        50,
        35,
        5500,
        operator="通州区颐和养老服务有限公司",
    ),
    Home("村东敬老院", InstitutionKind.PUBLIC, 52, 35, 3000, operator="区民政局"),
    Home("爱心养老院", InstitutionKind.PRIVATE, 82, 42, 1500, operator="爱心养老服务有限公司"),
    Home("夕阳红养老院", InstitutionKind.PRIVATE, 82, 32, 1700, operator="夕阳红养老服务中心"),
    Home("关爱孤老幸福养老院", InstitutionKind.PRIVATE, 120, 16, 3000, operator="关爱养老服务中心"),
    Home("伯大尼养老院", InstitutionKind.PRIVATE, 60, 25, 2000, operator="伯大尼养老院"),
    Home(
        "喜悦养老院", InstitutionKind.PRIVATE, 60, 30, 2800, MedicalIntegration.INTERNAL, "喜悦医养有限公司"
    ),
    Home("慈善医院养老院", InstitutionKind.PRIVATE, 76, 28, 1500, MedicalIntegration.INTERNAL, "慈善医院"),
    Home(
        "永寿养老院",
        InstitutionKind.PRIVATE,
        80,
        45,
        4000,
        MedicalIntegration.CONTRACTED,
        "永寿养老服务有限公司",
    ),
)
INSURERS = ["中国人寿财产保险", "中国人民财产保险", "太平洋财产保险"]


CHECKLIST = (
    ("A01", "消防设施完好、疏散通道畅通，按规定开展消防演练", "facilities"),
    ("A02", "安全标志符合 GB 2893、GB 2894", "environment"),
    ("B01", "入住前开展服务安全风险评估（GB 38600）并建立风险登记", "service"),
    ("B02", "建立昼夜巡查和交接班记录", "management"),
    ("B03", "养老护理员经岗前培训，持证上岗", "management"),
    ("B04", "食品留样、药品管理符合要求", "service"),
    ("C01", "投保养老机构综合责任保险", "management"),
    ("C02", "老年人档案保存至服务协议终止后5年以上", "management"),
)


def reset() -> None:
    SubsidyRoll.objects.all().delete()
    SubsidyRule.objects.all().delete()
    Finding.objects.all().delete()
    Inspection.objects.all().delete()
    ChecklistItem.objects.all().delete()
    StarAssessment.objects.all().delete()
    StarThreshold.objects.all().delete()
    RoundLog.objects.all().delete()
    Incident.objects.all().delete()
    BedAssignment.objects.all().delete()
    stays = Resident.objects.all()
    Elder.objects.filter(pk__in=stays.filter(status=StayStatus.RESIDENT).values("elder_id")).update(
        living_situation="with_family"
    )
    stays.delete()
    RiskAssessment.objects.all().delete()
    Institution.objects.all().delete()  # with its beds, policies and memberships


def _staff_user() -> Any:
    from django.contrib.auth.hashers import make_password

    from yiyang.accounts.models import User
    from yiyang.people.demo import DEMO_PASSWORD

    user = User.objects.filter(username=STAFF_USERNAME).first() or User(username=STAFF_USERNAME)
    user.role = "institution_staff"
    user.last_name, user.first_name, user.organisation = "李", "秀英", "爱心养老院"
    user.is_active = True
    user.password = make_password(DEMO_PASSWORD)
    user.save()
    return user


@transaction.atomic
def build(
    *, district_code: str = "320612", seed: int = 16, today: datetime.date | None = None
) -> dict[str, int]:
    today = today or timezone.localdate()
    rng = random.Random(seed)
    reset()
    district = Area.objects.filter(code=district_code).first()
    if district is None:
        return {"institutions": 0, "beds": 0}
    streets = list(
        Area.objects.filter(level=AreaLevel.STREET, path__startswith=district.path).order_by("code")
    )
    if not streets:
        return {"institutions": 0, "beds": 0}
    homes: list[Institution] = []
    for n, spec in enumerate(HOMES):
        street = streets[n % len(streets)]
        lat, lng = street.latitude or 32.06, street.longitude or 121.07
        filed = datetime.date(2015 + n % 6, 1 + n % 12, 10)
        homes.append(
            Institution(
                name=spec.name,
                kind=spec.kind,
                area=street,
                area_path=street.path,
                address=f"{street.name}{spec.name[:2]}路{10 + n}号",
                latitude=lat + rng.uniform(-0.01, 0.01),
                longitude=lng + rng.uniform(-0.01, 0.01),
                operator=spec.operator,
                legal_person="",
                phone=f"0513-8{rng.randrange(1000000, 9999999)}",
                licence_kind=LicenceKind.LICENCE if n < 4 else LicenceKind.FILING,
                licence_no=f"通民养备〔{filed.year}〕{n + 1}号",
                licence_from=filed,
                # one licence running out within the alert window
                licence_to=today + datetime.timedelta(days=45) if n == 1 else None,
                medical=spec.medical,
                design_beds=spec.beds,
                floor_area=spec.floor_area,
                fee_min=Decimal(1200 + 100 * (n % 5)),
                fee_max=Decimal(2800 + 200 * (n % 5)),
                fee_note="按护理等级收费",
                opened_on=filed,
            )
        )
    Institution.objects.bulk_create(homes)
    beds: list[Bed] = []
    policies: list[InsurancePolicy] = []

    def place(home: Institution, i: int) -> tuple[int, str, int, str]:
        room = 101 + (i // 4) % 20 + 100 * (i // 80)
        return (home.pk, "1号楼" if i < 80 else "2号楼", room // 100, str(room))

    rooms = rooms_for(
        {place(home, i) for spec, home in zip(HOMES, homes, strict=True) for i in range(spec.beds)}
    )
    for n, (spec, home) in enumerate(zip(HOMES, homes, strict=True)):
        for i in range(spec.beds):
            kind = BedKind.NURSING if i % 3 == 0 else (BedKind.DEMENTIA if i % 17 == 5 else BedKind.CARE)
            beds.append(Bed(institution=home, room=rooms[place(home, i)], number=str(i % 4 + 1), kind=kind,
                            added_on=home.opened_on or today))  # fmt: skip
        if n == 7:
            continue  # 伯大尼养老院: no liability policy (the seed asks for insurance to be promoted)
        start = today.replace(month=1, day=1) if n != 2 else today - datetime.timedelta(days=340)
        policies.append(
            InsurancePolicy(
                institution=home,
                policy_no=f"PICC{today.year}{n + 1:04d}",
                insurer=INSURERS[n % 3],
                valid_from=start,
                valid_to=start + datetime.timedelta(days=364),
                cover=Decimal(1_000_000 + 500_000 * (n % 3)),
                premium=Decimal(30 * spec.beds),
            )
        )
    Bed.objects.bulk_create(beds, batch_size=2000)
    InsurancePolicy.objects.bulk_create(policies)
    scoping.grant_membership(_staff_user(), homes[4])  # 爱心养老院
    stays = _residents(rng, homes, district.path, today)
    supervision = _supervision(rng, homes, today)
    rolls = _subsidies(district, today)
    return {
        "institutions": len(homes),
        "beds": len(beds),
        "policies": len(policies),
        **stays,
        **supervision,
        **rolls,
    }


SUBSIDY_RULES = (
    # name, kind, care level, bed kind, amount
    ("新增床位建设补贴", "construction", "", "", "10000.00"),
    ("新增护理型床位建设补贴", "construction", "", "nursing", "15000.00"),
    ("运营补贴（自理）", "operating", "self_care", "", "100.00"),
    ("运营补贴（一级护理）", "operating", "level_1", "", "150.00"),
    ("运营补贴（二级护理）", "operating", "level_2", "", "200.00"),
    ("运营补贴（三级护理）", "operating", "level_3", "", "260.00"),
    ("运营补贴（特级护理）", "operating", "special", "", "300.00"),
)


def _subsidies(district: Area, today: datetime.date) -> dict[str, int]:
    """The subsidy rules, and last month's roll for the district computed from occupancy (a draft)."""
    from yiyang.institutions.actions.subsidies import subsidy_roll_compute

    SubsidyRule.objects.bulk_create(
        [SubsidyRule(name=n, kind=k, care_level=c, bed_kind=b, amount=Decimal(a), valid_from=datetime.date(2020, 1, 1),
                     note="区民政局机构养老补贴办法") for n, k, c, b, a in SUBSIDY_RULES]
    )  # fmt: skip
    last_month = today.replace(day=1) - datetime.timedelta(days=1)
    roll = subsidy_roll_compute(area=district, month=last_month, actor=None)
    return {"subsidy_lines": roll.lines.count()}


def _supervision(rng: random.Random, homes: list[Institution], today: datetime.date) -> dict[str, int]:
    """The checklist and 长沙 thresholds as data, a year of inspections (one finding overdue), rounds of
    the last week, a few incidents, and the self-assessments (永寿养老院 aims at three stars)."""
    start = datetime.date(2020, 1, 1)
    items = ChecklistItem.objects.bulk_create(
        [ChecklistItem(code=c, text=t, area=a, valid_from=start) for c, t, a in CHECKLIST]
    )
    StarThreshold.objects.bulk_create(
        [StarThreshold(level=t.level, min_total=t.min_total, min_area_share=t.min_area_share, valid_from=start,
                       note="长沙市养老机构等级评定实施细则（试行）") for t in CHANGSHA]
    )  # fmt: skip
    inspections, findings = [], []
    for n, home in enumerate(homes):
        if n == 7:
            continue  # 伯大尼养老院: not inspected this year (the annual-inspection alert shows it)
        day = today - datetime.timedelta(days=20 + 25 * n)
        inspection = Inspection(institution=home, inspected_on=day, inspectors="区民政局 张科长、李干事",
                                summary="消防、食品药品、护理员持证情况检查")  # fmt: skip
        inspections.append(inspection)
    Inspection.objects.bulk_create(inspections)
    for n, inspection in enumerate(inspections):
        if n % 3:
            continue
        item = items[n % len(items)]
        overdue = n == 0
        findings.append(
            Finding(inspection=inspection, institution_id=inspection.institution_id, item=item,
                    description=f"{item.text}：存在不足，限期整改",
                    severity=("serious", "general", "major")[n // 3 % 3],
                    deadline=today - datetime.timedelta(days=5) if overdue else today + datetime.timedelta(days=20))
        )  # fmt: skip
    Finding.objects.bulk_create(findings)
    # An inspection that found nothing is closed on the day (it has nothing to rectify).
    Inspection.objects.filter(pk__in=[i.pk for i in inspections], findings__isnull=True).update(
        status="closed"
    )
    rounds = [
        RoundLog(institution=home, date=today - datetime.timedelta(days=d), shift=shift, rounds=4 if shift == "day" else 6,
                 staff="值班护理员", findings="" if rng.random() < 0.8 else "个别房间呼叫器电池不足，已更换")
        for home in homes for d in range(7) for shift in ("day", "night")
    ]  # fmt: skip
    RoundLog.objects.bulk_create(rounds, batch_size=1000)
    residents = list(Resident.objects.filter(status=StayStatus.RESIDENT).order_by("id")[:400])
    incidents = []
    for stay in rng.sample(residents, min(12, len(residents))):
        when = timezone.make_aware(datetime.datetime.combine(
            max(stay.admitted_on, today - datetime.timedelta(days=rng.randrange(1, 60))), datetime.time(rng.randrange(6, 22))))  # fmt: skip
        kind = rng.choice(["fall", "fall", "fall", "bed_fall", "choking", "wandering", "pressure_sore"])
        incidents.append(Incident(institution_id=stay.institution_id, resident=stay, kind=kind, occurred_at=when,
                                  place="房间", harm="minor", description="夜间如厕时发生，护理员及时发现", handling="检查无骨折，通知家属"))  # fmt: skip
    Incident.objects.bulk_create(incidents)
    scores = {"environment": 90, "facilities": 95, "management": 110, "service": 420}
    yongshou = homes[-1]
    StarAssessment.objects.create(
        institution=yongshou, assessed_on=today - datetime.timedelta(days=30), total=715, level=3, **scores
    )
    Institution.objects.filter(pk=yongshou.pk).update(star_level=3)
    return {"inspections": len(inspections), "findings": len(findings), "incidents": len(incidents)}


def _residents(
    rng: random.Random, homes: list[Institution], district_path: str, today: datetime.date
) -> dict[str, int]:
    """Seed 004's residents (现有入住老人) among elders with a GB/T 42195 assessment in force, public homes
    taking 五保/特困 elders first; a past stay or two per home and last winter's seasonal stays on
    spare beds. Written in bulk, with the risk assessment admission requires."""
    levels = dict(
        Elder.objects.filter(
            area_path__startswith=district_path, status="living", birth_date__lte=today.replace(year=today.year - 65),
            assessments__status="confirmed", assessments__valid_to__gte=today,
            assessments__assessed_on__lte=today - datetime.timedelta(days=400),
        )
        .order_by("id")
        .values_list("id", "assessments__final_level")[:3000]
    )  # fmt: skip
    if not levels:
        return {"residents": 0}
    poor = set(
        Elder.objects.filter(pk__in=levels)
        .filter(Q(categories__contains="tekun") | Q(categories__contains="wubao"))
        .values_list("id", flat=True)
    )
    pool = sorted(levels, key=lambda pk: (pk not in poor, rng.random()))
    private_pool = [pk for pk in pool if pk not in poor]
    rng.shuffle(private_pool)
    taken: set[int] = set()

    def next_elder(public: bool) -> int | None:
        for pk in pool if public else private_pool:
            if pk not in taken:
                taken.add(pk)
                return pk
        return None

    beds_of = {h.pk: list(Bed.objects.filter(institution=h).order_by("id")) for h in homes}
    stays: list[tuple[Resident, Bed, str, datetime.date, datetime.date | None]] = []
    winter = datetime.date(today.year - 1, 11, 15)
    for spec, home in zip(HOMES, homes, strict=True):
        beds = beds_of[home.pk]
        public = spec.kind != InstitutionKind.PRIVATE
        plan: list[tuple[str, datetime.date, datetime.date | None, str]] = []
        for _ in range(min(spec.residents, len(beds))):
            plan.append((StayKind.LONG, today - datetime.timedelta(days=rng.randrange(30, 700)), None, ""))
        spare = beds[len(plan) :]
        for _ in range(min(3, len(spare))):  # seasonal: last winter, back home in spring
            plan.append((StayKind.SEASONAL, winter + datetime.timedelta(days=rng.randrange(0, 20)),
                         datetime.date(today.year, 3, 15), DischargeReason.HOME))  # fmt: skip
        for n, (kind, start, end, reason) in enumerate(plan):
            pk = next_elder(public)
            if pk is None:
                break
            start = min(start, today - datetime.timedelta(days=1))
            if end is not None and end > today:
                end = today
            care = CARE_LEVEL_FOR_CAPABILITY.get(levels[pk] or 0, "self_care")
            stay = Resident(
                elder_id=pk, institution=home, kind=kind, care_level=care, contract_no=f"{home.pk}-{n + 1:03d}",
                planned_end=end, admitted_on=start, status=StayStatus.DISCHARGED if end else StayStatus.RESIDENT,
                discharged_on=end, discharge_reason=reason, capability_level=levels[pk],
                capability_assessed_on=start - datetime.timedelta(days=30), previous_living_situation="with_family",
                retain_until=end.replace(year=end.year + RETENTION_YEARS) if end else None,
            )  # fmt: skip
            stays.append((stay, beds[n], care, start, end))
    risk_rows = [
        RiskAssessment(
            elder_id=s.elder_id,
            institution=s.institution,
            assessed_on=s.admitted_on - datetime.timedelta(days=3),
            assessor="评估护士",
            note="入住前评估",
        )
        for s, *_ in stays
    ]
    RiskAssessment.objects.bulk_create(risk_rows, batch_size=1000)
    RiskItem.objects.bulk_create(
        [RiskItem(assessment=r, risk=risk, level=rng.choice([0, 0, 1, 1, 2, 3]) if risk in ("fall", "bed_fall", "choking")
                  else rng.choice([0, 0, 0, 1]), measures="按护理计划执行" if risk in ("fall", "choking") else "")
         for r in risk_rows for risk in Risk.values],
        batch_size=2000,
    )  # fmt: skip
    for (stay, *_), risk in zip(stays, risk_rows, strict=True):
        stay.risk_assessment = risk
    Resident.objects.bulk_create([s for s, *_ in stays], batch_size=1000)
    BedAssignment.objects.bulk_create(
        [BedAssignment(resident=s, bed=bed, institution_id=s.institution_id, care_level=care, start=start, end=end)
         for s, bed, care, start, end in stays],
        batch_size=1000,
    )  # fmt: skip
    living = [s.elder_id for s, *_ in stays if s.status == StayStatus.RESIDENT]
    paths = set(Elder.objects.filter(pk__in=living).values_list("area_path", flat=True))
    Elder.objects.filter(pk__in=living).update(living_situation="institution")
    if paths:
        stats.rebuild(paths, today=today)
    return {"residents": len(living), "stays": len(stays)}


def summary_line(result: dict[str, int]) -> str:
    return "机构养老：" + "，".join(f"{k} {v}" for k, v in result.items())
