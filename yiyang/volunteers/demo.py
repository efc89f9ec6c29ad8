"""Demo data for volunteers: seed 004's five-kind ledger, medical and legal teams, the talent pool.

Every community gets a handful of volunteers of the five kinds; a fifth of the communities a medical
team (社区卫生服务站) and a tenth a legal team (司法所); a few elders aged 60–70 of each street join
the elder talent pool. Rows are written with bulk inserts; a re-run replaces them.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from yiyang.areas.models import Area, AreaLevel
from yiyang.core import crypto, scoping
from yiyang.core.idnumber import make_id_number, mask_id_number
from yiyang.people.models import Elder
from yiyang.volunteers.choices import Skill, VolunteerKind, Willingness
from yiyang.volunteers.models import (
    Activity,
    MonthEndCheck,
    Participation,
    ServiceRecord,
    TimeAccount,
    TimeMovement,
    Volunteer,
    VolunteerTeam,
    pack,
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "晓丽俊杰婷伟静磊敏娜强军洁涛燕明霞平刚芳鹏超华颖宇欣悦琳浩然思雨佳"
KIND_SKILLS = {
    VolunteerKind.PARTY: [Skill.COMPANIONSHIP, Skill.ERRANDS, Skill.CLEANING],
    VolunteerKind.STUDENT: [Skill.DIGITAL, Skill.COMPANIONSHIP, Skill.CULTURE],
    VolunteerKind.MEDICAL: [Skill.HEALTH, Skill.NURSING, Skill.ESCORT],
    VolunteerKind.LEGAL: [Skill.LEGAL, Skill.COUNSELLING],
    VolunteerKind.CULTURE: [Skill.CULTURE, Skill.COMPANIONSHIP],
    VolunteerKind.OTHER: [Skill.REPAIR, Skill.HAIRCUT, Skill.ERRANDS],
}
PROFESSIONS = ["退休教师", "退休医生", "退休工程师", "退休会计", "退休干部", "退休工人", "退休护士"]


def reset() -> None:
    Participation.objects.all().delete()
    Activity.objects.all().delete()
    MonthEndCheck.objects.all().delete()
    TimeMovement.objects.all().delete()
    TimeAccount.objects.all().delete()
    ServiceRecord.objects.all().delete()
    Volunteer.objects.all().delete()
    VolunteerTeam.objects.all().delete()  # and, with each team, its memberships


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def _person(rng: random.Random, region: str, sequence: int, today: datetime.date) -> tuple[str, str]:
    birth = today - datetime.timedelta(days=rng.randint(18 * 365 + 5, 58 * 365))
    return make_id_number(region, birth, sequence % 1000), _name(rng)


@transaction.atomic
def build(*, district_code: str = "320612", seed: int = 14, per_community: int = 6) -> dict[str, int]:
    rng = random.Random(seed)
    today = timezone.localdate()
    reset()
    district = Area.objects.get(code=district_code)
    communities = list(
        Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=district.path).order_by("code")
    )
    teams: list[VolunteerTeam] = []
    for i, c in enumerate(communities):
        if i % 5 == 0:
            teams.append(VolunteerTeam(name=f"{c.name}医疗志愿者服务队", kind=VolunteerKind.MEDICAL, area=c, area_path=c.path,
                                       organisation=f"{c.name}卫生服务站", leader_name=_name(rng), founded_on=datetime.date(2023, 3, 5),
                                       description="定期为辖区老年人量血压、测血糖、健康咨询，上门服务行动不便的老人"))  # fmt: skip
        if i % 10 == 3:
            teams.append(VolunteerTeam(name=f"{c.name}法律志愿者服务队", kind=VolunteerKind.LEGAL, area=c, area_path=c.path,
                                       organisation="司法所", leader_name=_name(rng), founded_on=datetime.date(2023, 6, 1),
                                       description="社区法律顾问和退休司法工作者为老年人维权、咨询"))  # fmt: skip
    VolunteerTeam.objects.bulk_create(teams)
    team_of: dict[tuple[str, str], VolunteerTeam] = {
        (t.area_path, t.kind): t for t in VolunteerTeam.objects.all()
    }
    rows: list[Volunteer] = []
    seen: set[str] = set()
    sequence = 0
    for c in communities:
        for _ in range(per_community):
            sequence += 1
            id_number, name = _person(rng, district_code, sequence, today)
            if id_number in seen:
                continue
            seen.add(id_number)
            kind = rng.choice(list(VolunteerKind))
            rows.append(_volunteer(rng, id_number, name, kind, c, team_of.get((c.path, kind)), today))
    # The elder talent pool: a few younger elders of each street who volunteer.
    pool = list(
        Elder.objects.filter(status="living", area_path__startswith=district.path,
                             birth_date__gt=today.replace(year=today.year - 71),
                             birth_date__lte=today.replace(year=today.year - 60))
        .order_by("id").values_list("id", "id_number_enc", "name", "area_id", "area_path")[:400:4]
    )  # fmt: skip
    areas = {a.pk: a for a in Area.objects.filter(pk__in={p[3] for p in pool})}
    for elder_id, enc, name, area_id, _path in pool:
        id_number = crypto.decrypt(enc)
        if id_number in seen:
            continue
        seen.add(id_number)
        v = _volunteer(rng, id_number, name, rng.choice([VolunteerKind.CULTURE, VolunteerKind.PARTY]),
                       areas[area_id], None, today)  # fmt: skip
        v.elder_id = elder_id
        v.former_profession = rng.choice(PROFESSIONS)
        v.willingness = rng.choice([Willingness.VOLUNTEER, Willingness.TEACH, Willingness.ANY])
        rows.append(v)
    Volunteer.objects.bulk_create(rows, batch_size=2000)
    _leader(next(iter(team_of.values()), None))
    bank = _time_bank(rng, district, today)
    _chongyang(district, today)
    return {
        "teams": len(teams),
        "volunteers": len(rows),
        "talent_pool": sum(1 for r in rows if r.elder_id),
        **bank,
    }


def _time_bank(
    rng: random.Random, district: Area, today: datetime.date, services: int = 150
) -> dict[str, int]:
    """A month of verified services (their hours credited), a few donations and a transfer to a parent."""
    from yiyang.people.models import ElderContact
    from yiyang.volunteers.actions import bank
    from yiyang.volunteers.actions import services as service_actions

    volunteers = list(Volunteer.objects.filter(area_path__startswith=district.path).order_by("id")[:60])
    elders = list(
        Elder.objects.filter(
            status="living", area_path__startswith=district.path, latitude__isnull=False
        ).order_by("id")[:300]
    )
    done = 0
    for i in range(min(services, len(elders) * 2) if volunteers else 0):
        volunteer, elder = volunteers[i % len(volunteers)], elders[rng.randrange(len(elders))]
        start = timezone.make_aware(datetime.datetime.combine(today - datetime.timedelta(days=rng.randint(1, 28)),
                                                              datetime.time(rng.choice([9, 10, 14, 15]), 0)))  # fmt: skip
        skill = (volunteer.skill_list() or ["companionship"])[0]
        lat, lng = elder.latitude, elder.longitude
        record = service_actions.service_check_in(volunteer=volunteer, elder=elder, skill=skill, latitude=lat,
                                                  longitude=lng, actor=None, at=start)  # fmt: skip
        end = start + datetime.timedelta(minutes=rng.choice([45, 60, 90, 120]))
        service_actions.service_check_out(record=record, latitude=lat, longitude=lng, actor=None, at=end)
        service_actions.service_sign_off(record=record, method="signature", signed_by=elder.name, actor=None,
                                         rating=rng.choice([4, 5, 5]))  # fmt: skip
        done += 1
    consent: dict[str, Any] = {"requested_by": "本人", "consent": "in_person", "actor": None}
    donations = 0
    for volunteer in volunteers[:10]:
        account = bank.account_for_volunteer(volunteer)
        if account.balance_minutes >= 60:
            bank.hours_donate(account=account, minutes=30, **consent)
            donations += 1
    transfers = 0
    # A daughter registered on her father's contact list: her hours go to him.
    father = next((e for e in elders if e.age >= 60), None)
    if father is not None and volunteers:
        daughter = max(volunteers, key=lambda v: bank.account_for_volunteer(v).balance_minutes)
        ElderContact.objects.get_or_create(elder=father, name=daughter.name, relation="child")
        account = bank.account_for_volunteer(daughter)
        if account.balance_minutes >= 60:
            bank.hours_transfer(account=account, elder=father, minutes=60, **consent)
            transfers += 1
    return {"services": done, "donations": donations, "transfers": transfers}


def _volunteer(rng: random.Random, id_number: str, name: str, kind: str, area: Area,
               team: VolunteerTeam | None, today: datetime.date) -> Volunteer:  # fmt: skip
    from yiyang.core.idnumber import parse_id_number

    parsed = parse_id_number(id_number)
    phone = f"139{rng.randint(10**7, 10**8 - 1)}"
    lat = (area.latitude or 32.06) + rng.uniform(-0.004, 0.004)
    lng = (area.longitude or 121.07) + rng.uniform(-0.004, 0.004)
    protected_id = crypto.protect(id_number, mask_id_number(id_number))
    protected_phone = crypto.protect(phone, crypto.mask_phone(phone))
    skills = rng.sample(KIND_SKILLS[VolunteerKind(kind)], k=min(2, len(KIND_SKILLS[VolunteerKind(kind)])))
    return Volunteer(
        id_number_enc=protected_id.ciphertext, id_number_hash=protected_id.digest, id_number_masked=protected_id.masked,
        name=name, sex=parsed.sex, birth_date=parsed.birth_date, phone_enc=protected_phone.ciphertext,
        phone_hash=protected_phone.digest, phone_masked=protected_phone.masked, kind=kind, skills=pack(skills),
        available_days=pack(rng.sample(["1", "2", "3", "4", "5", "6", "7"], k=rng.randint(2, 5))),
        available_slots=pack(rng.sample(["am", "pm", "eve"], k=rng.randint(1, 2))), area=area, area_path=area.path,
        latitude=lat, longitude=lng, team=team, joined_on=today - datetime.timedelta(days=rng.randint(10, 900)),
        address=f"{area.name}{rng.randint(1, 60)}幢",
    )  # fmt: skip


def _leader(team: VolunteerTeam | None) -> None:
    """The demo's 志愿服务队负责人 account ``leader`` leads the first team (password as the others)."""
    from django.contrib.auth.hashers import make_password

    from yiyang.accounts.models import User
    from yiyang.accounts.roles import Role
    from yiyang.people.demo import DEMO_PASSWORD

    if team is None:
        return
    user = User.objects.filter(username="leader").first() or User(username="leader")
    user.role, user.last_name, user.first_name = Role.VOLUNTEER_LEADER, "钱", "志愿"
    user.organisation, user.is_active = team.name, True
    user.password = make_password(DEMO_PASSWORD)
    user.password_changed_at = timezone.now()
    user.save()
    scoping.grant_membership(user, team)


def _chongyang(district: Area, today: datetime.date) -> None:
    """A 重阳 garden party next week in the first community, with a few elders signed up."""
    community = (
        Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=district.path)
        .order_by("code")
        .first()
    )
    if community is None:
        return
    start = timezone.make_aware(
        datetime.datetime.combine(today + datetime.timedelta(days=7), datetime.time(9))
    )
    activity = Activity.objects.create(name=f"{community.name}重阳敬老游园会", kind="chongyang", area=community,
                                       place=f"{community.name}文化广场", starts_at=start,
                                       ends_at=start + datetime.timedelta(hours=3), capacity=80,
                                       description="登高望远、健康义诊、文艺表演、长寿面")  # fmt: skip
    elders = Elder.objects.filter(status="living", area_path__startswith=community.path).order_by("id")[:20]
    Participation.objects.bulk_create(
        [Participation(activity=activity, elder=e, signed_up_by="社区代报名") for e in elders]
    )


def summary_line(result: dict[str, Any]) -> str:
    return (f"志愿服务队 {result['teams']} 支，志愿者 {result['volunteers']} 名"
            f"（老年人才库 {result['talent_pool']} 名）；已核验服务 {result['services']} 次，"
            f"捐赠 {result['donations']} 笔，转赠 {result['transfers']} 笔；负责人账号 leader")  # fmt: skip
