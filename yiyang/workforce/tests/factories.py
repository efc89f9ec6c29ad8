"""Factories for the care workforce: workers with valid unique ID numbers, certificates, classes."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models

from yiyang.areas.models import Area
from yiyang.core.idnumber import parse_id_number
from yiyang.core.testing import new_id_number, next_number
from yiyang.people.tests.factories import unique_name
from yiyang.services.models import Provider
from yiyang.workforce.choices import CertificateLevel
from yiyang.workforce.models import CareWorker, Certificate, TrainingClass


def make_provider(name: str = "") -> Provider:
    return Provider.objects.create(name=name or f"颐康居家服务{next_number()}", kind="domestic")


def make_worker(
    area: Area,
    employer: models.Model | None = None,
    *,
    post_since: datetime.date = datetime.date(2020, 3, 1),
    account: str = "6222020200112233445",
    **extra: Any,
) -> CareWorker:
    worker = CareWorker(area=area, name=extra.pop("name", None) or unique_name(next_number()),
                        post_since=post_since, bank_name="中国工商银行", **extra)  # fmt: skip
    worker.set_employer(employer or make_provider())
    worker.set_id_number(parse_id_number(new_id_number(age=40, sex="F")))
    worker.set_phone(f"139{next_number():08d}"[:11])
    if account:
        worker.set_account(account)
    worker.save()
    return worker


def make_certificate(
    worker: CareWorker,
    level: int = CertificateLevel.MIDDLE,
    *,
    valid_from: datetime.date = datetime.date(2021, 6, 1),
    valid_to: datetime.date | None = None,
) -> Certificate:
    return Certificate.objects.create(worker=worker, level=level, issuer="南通市人力资源和社会保障局",
                                      number=f"ZS{next_number():08d}", valid_from=valid_from, valid_to=valid_to)  # fmt: skip


def make_class(area: Area, **extra: Any) -> TrainingClass:
    defaults: dict[str, Any] = {
        "name": f"养老护理员中级培训班第{next_number()}期",
        "level": CertificateLevel.MIDDLE,
        "organiser": "通州区职业技能培训中心",
        "issuer": "南通市人力资源和社会保障局",
        "starts_on": datetime.date(2026, 3, 1),
        "ends_on": datetime.date(2026, 3, 17),
        "days": 17,
    }
    defaults.update(extra)
    return TrainingClass.objects.create(area=area, **defaults)
