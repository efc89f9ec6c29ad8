"""Demo data for the care workforce (seeds 001, 003, 004): every provider's dispatch workers in the
registry with ID numbers, carers of each care home and canteen, certificates of the four levels (some
staff still without one: "招不到工，留不住人"), this year's finished classes with their trainees and
certificates, one class still planned, and last month's post-subsidy roll of the first street,
approved. Rows are written with bulk inserts; a re-run replaces them.
"""

from __future__ import annotations

import datetime
import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from yiyang.areas.models import Area, AreaLevel
from yiyang.core import crypto
from yiyang.core.idnumber import make_id_number, mask_id_number
from yiyang.institutions.models import Institution
from yiyang.meals.models import Canteen
from yiyang.services.models import Worker
from yiyang.workforce import actions
from yiyang.workforce.choices import CertificateLevel, ClassStatus, EmployerKind, Post, WorkerStatus
from yiyang.workforce.models import CareWorker, Certificate, PostSubsidyRoll, Trainee, TrainingClass

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "秀英桂兰玉梅凤霞丽萍红梅春燕海燕建华美华晓红小芳金凤"
ISSUER = "南通市人力资源和社会保障局"
BANKS = ("中国工商银行", "中国农业银行", "江苏银行", "农商银行")
#: levels of the certificates handed out (初级 most, 技师 few) and the share of staff without any
LEVELS = (
    [CertificateLevel.JUNIOR] * 5 + [CertificateLevel.MIDDLE] * 3 + [CertificateLevel.SENIOR] * 2
    + [CertificateLevel.TECHNICIAN]
)  # fmt: skip


@transaction.atomic
def reset() -> None:
    PostSubsidyRoll.objects.all().delete()
    Trainee.objects.all().delete()
    TrainingClass.objects.all().delete()
    Certificate.objects.all().delete()
    CareWorker.objects.all().delete()  # a dispatch worker's link is cleared, then made again below


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


class _People:
    """Valid unique ID numbers for carers aged 28–58, and the rest of a person's particulars."""

    def __init__(self, rng: random.Random, region: str, today: datetime.date) -> None:
        self.rng, self.region, self.today, self.sequence = rng, region, today, 0

    def fill(self, w: CareWorker) -> CareWorker:
        self.sequence += 1
        birth = self.today - datetime.timedelta(days=self.rng.randint(28 * 365, 58 * 365))
        number = make_id_number(self.region, birth, 500 + self.sequence % 499)
        protected = crypto.protect(number, mask_id_number(number))
        w.id_number_enc, w.id_number_hash, w.id_number_masked = (
            protected.ciphertext,
            protected.digest,
            protected.masked,
        )
        w.sex, w.birth_date = ("F" if int(number[16]) % 2 == 0 else "M"), birth
        if not w.phone_enc:
            w.set_phone(f"139{self.rng.randint(10_000_000, 99_999_999)}")
        w.bank_name = self.rng.choice(BANKS)
        w.set_account(f"6222{self.rng.randint(10**14, 10**15 - 1)}")
        w.post_since = self.today - datetime.timedelta(days=self.rng.randint(120, 16 * 365))
        w.health_certificate_number = f"JK{self.sequence:06d}"
        w.health_certificate_expires = self.today + datetime.timedelta(days=self.rng.randint(-30, 700))
        return w


@transaction.atomic
def build(*, district_code: str = "320612", seed: int = 17) -> dict[str, Any]:
    rng = random.Random(seed)
    today = timezone.localdate()
    reset()
    district = Area.objects.get(code=district_code)
    people = _People(rng, district_code, today)
    top = district

    # Every dispatch worker of the providers, in the registry (services' workers are these people).
    workers = list(Worker.objects.select_related("provider__area").order_by("pk"))
    adopted = [
        people.fill(CareWorker(name=w.name, phone_enc=w.phone_enc, phone_masked=w.phone_masked,
                               employer_kind=EmployerKind.PROVIDER, provider_id=w.provider_id,
                               area=w.provider.area or top, area_path=(w.provider.area or top).path,
                               post=Post.HOME_AIDE, post_since=today))
        for w in workers
    ]  # fmt: skip
    staff: list[CareWorker] = list(adopted)
    for home in Institution.objects.filter(area_path__startswith=district.path).select_related("area"):
        for _ in range(rng.randint(3, 8)):
            staff.append(people.fill(CareWorker(name=_name(rng), employer_kind=EmployerKind.INSTITUTION,
                                                institution=home, area=home.area, area_path=home.area_path,
                                                post=Post.CARER, post_since=today)))  # fmt: skip
    for canteen in Canteen.objects.filter(area_path__startswith=district.path).select_related("area")[:40]:
        staff.append(people.fill(CareWorker(name=_name(rng), employer_kind=EmployerKind.CANTEEN, canteen=canteen,
                                            area=canteen.area, area_path=canteen.area_path, post=Post.OTHER,
                                            post_since=today)))  # fmt: skip
    for w in staff[::23]:  # a few have left
        w.status, w.left_on, w.exit_reason = (
            WorkerStatus.LEFT,
            today - datetime.timedelta(days=rng.randint(5, 300)),
            "resigned",
        )
        w.left_on = max(w.left_on, w.post_since)
    CareWorker.objects.bulk_create(staff, batch_size=2000)
    if staff and staff[0].pk is None:
        keys = list(CareWorker.objects.order_by("pk").values_list("pk", flat=True))
        for person, key in zip(staff, keys, strict=True):
            person.pk = key
    for service_worker, person in zip(workers, adopted, strict=True):
        service_worker.care_worker_id = person.pk
    Worker.objects.bulk_update(workers, ["care_worker"], batch_size=2000)

    # Certificates held before this year: most carers, not all.
    certificates = [
        Certificate(worker=w, level=rng.choice(LEVELS), issuer=ISSUER, number=f"ZS{w.pk:07d}",
                    valid_from=max(w.post_since, today - datetime.timedelta(days=rng.randint(400, 3000))))
        for w in staff if rng.random() < 0.6
    ]  # fmt: skip
    Certificate.objects.bulk_create(certificates, batch_size=2000)

    classes = _classes(rng, district, staff, today)
    roll = _roll(district, today)
    return {"workers": len(staff), "adopted": len(adopted), "certificates": Certificate.objects.count(),
            "classes": classes, "roll": roll}  # fmt: skip


def _classes(rng: random.Random, district: Area, staff: list[CareWorker], today: datetime.date) -> int:
    """Seed 001: eight classes this year; seed 003: a 17-day class whose trainees all passed."""
    streets = list(
        Area.objects.filter(level=AreaLevel.STREET, path__startswith=district.path).order_by("code")
    )
    if not streets:
        return 0
    year_start = today.replace(month=1, day=1)
    pool = [w for w in staff if w.status == WorkerStatus.ACTIVE]
    rng.shuffle(pool)
    made = 0
    for i in range(8):
        starts = year_start + datetime.timedelta(days=20 + i * 30)
        ends = starts + datetime.timedelta(days=16)
        if ends >= today:
            break
        level = CertificateLevel.JUNIOR if i % 3 else CertificateLevel.MIDDLE
        c = TrainingClass.objects.create(
            name=f"{today.year}年养老护理员{'初级' if level == CertificateLevel.JUNIOR else '中级'}培训班第{i + 1}期",
            level=level, organiser="通州区职业技能培训中心", issuer=ISSUER, area=streets[i % len(streets)],
            starts_on=starts, ends_on=ends, days=17,
        )  # fmt: skip
        group, pool = pool[:40], pool[40:]
        Trainee.objects.bulk_create([
            Trainee(training_class=c, worker=w, days_attended=17 if rng.random() < 0.95 else 10,
                    exam_score=rng.randint(70, 98) if rng.random() < 0.97 else rng.randint(40, 59))
            for w in group
        ])  # fmt: skip
        actions.class_finish(training_class=c, actor=None)
        made += 1
    TrainingClass.objects.create(
        name=f"{today.year}年养老护理员高级培训班", level=CertificateLevel.SENIOR, organiser="通州区职业技能培训中心",
        issuer=ISSUER, area=streets[0], starts_on=today + datetime.timedelta(days=20),
        ends_on=today + datetime.timedelta(days=36), days=17, status=ClassStatus.PLANNED,
    )  # fmt: skip
    return made + 1


def _roll(district: Area, today: datetime.date) -> str:
    street = (
        Area.objects.filter(level=AreaLevel.STREET, path__startswith=district.path).order_by("code").first()
    )
    if street is None:
        return ""
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    roll = actions.roll_generate(area=street, month=last_month, actor=None)
    if roll.line_count:
        actions.roll_review(roll=roll, actor=None)
        actions.roll_approve(roll=roll, actor=None)
    return f"{street.name} {last_month:%Y-%m}: {roll.line_count}"


def summary_line(result: dict[str, Any]) -> str:
    return (
        f"养老服务人才：护理员 {result['workers']} 人（其中服务商派单人员 {result['adopted']} 人），"
        f"证书 {result['certificates']} 本，培训班 {result['classes']} 期，岗位补贴花名册 {result['roll']} 人"
    )
