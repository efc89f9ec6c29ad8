"""Demo allowances on top of the demo district (run after ``manage.py demo``)."""

from __future__ import annotations

import csv
import datetime
import io
import random
import time
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from yiyang.areas.models import Area, AreaLevel
from yiyang.benefits import actions, lifeevents
from yiyang.benefits.choices import CheckChannel, LifeEventKind, MatchStatus, ProgrammeKind, StartRule
from yiyang.benefits.dates import add_months, first_of
from yiyang.benefits.models import (
    ArrearsMonth,
    Budget,
    ElderBankAccount,
    LifeEventBatch,
    PaymentRoll,
    Programme,
    QualificationCheck,
    RateRule,
    Recovery,
    RollLine,
    RollReview,
    Suspension,
    mask_account,
)
from yiyang.core import crypto
from yiyang.core.context import unit_of_work
from yiyang.core.management.base import add_actor_argument, resolve_actor
from yiyang.people.models import Elder

RULES_FROM = datetime.date(2024, 1, 1)
BANKS = ["农商银行", "邮储银行", "工商银行", "建设银行", "农业银行"]
PROGRAMMES: list[tuple[str, str, str, str, bool, list[tuple[dict[str, Any], str]]]] = [
    (
        "gaoling",
        "高龄津贴",
        ProgrammeKind.AGE_TIER,
        StartRule.SAME_MONTH,
        True,
        [
            ({"age_from": 80, "age_to": 89}, "100"),
            ({"age_from": 90, "age_to": 99}, "500"),
            ({"age_from": 100}, "800"),
        ],
    ),
    (
        "fuwu",
        "养老服务补贴",
        ProgrammeKind.CATEGORY,
        StartRule.SAME_MONTH,
        False,
        [({"category": "dibao"}, "300"), ({"category": "tekun"}, "300"), ({"category": "dibian"}, "200")],
    ),
    (
        "huli",
        "护理补贴",
        ProgrammeKind.CARE_LEVEL,
        StartRule.SAME_MONTH,
        False,
        [({"level": 2}, "200"), ({"level": 3}, "400"), ({"level": 4}, "600")],
    ),
]


class Command(BaseCommand):
    help = "演示补贴：三个项目与标准、代发账户、资格认证、十二个月已审批花名册、一份死亡名单与多发追回"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--district", default="320612")
        parser.add_argument("--months", type=int, default=12)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--reset", action="store_true", help="delete benefits data first")
        add_actor_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        district = Area.objects.filter(code=options["district"], level=AreaLevel.DISTRICT).first()
        if district is None:
            raise CommandError("请先运行 manage.py demo 生成演示区县")
        actor = resolve_actor(options["actor"])
        rng = random.Random(options["seed"])
        with unit_of_work():
            if options["reset"] or PaymentRoll.objects.exists():
                self._reset()
            programmes = self._programmes()
            accounts = self._bank_accounts(district, rng)
            checks = self._qualification_checks(district, rng, actor)
            today = timezone.localdate()
            months = [add_months(first_of(today), -i) for i in range(options["months"] - 1, -1, -1)]
            self._budgets(programmes, district, months[0].year)
            for month in months:
                for programme in programmes:
                    roll = actions.payment_roll_generate(
                        programme=programme, area=district, month=month, actor=actor
                    )
                    if month == months[-1]:
                        continue  # the current month stays a draft for the walkthrough
                    self._approve(roll, actor)
                self.stdout.write(f"  {month:%Y-%m} 花名册已生成")
            batch = self._death_list(district, actor, rng, months)
        rolls = PaymentRoll.objects.filter(area=district)
        owed = Recovery.objects.aggregate(s=Sum("owed"))["s"] or Decimal(0)
        self.stdout.write(
            self.style.SUCCESS(
                f"补贴演示：{len(programmes)} 个项目，代发账户 {accounts}，资格认证 {checks}，花名册 {rolls.count()} 份"
                f"（已审批 {rolls.filter(status__in=['approved', 'published']).count()}），"
                f"死亡名单 {batch.total_rows} 行（{batch.counts}），追回 {Recovery.objects.count()} 笔共 {owed} 元；"
                f"{time.perf_counter() - started:.1f} 秒"
            )
        )

    def _reset(self) -> None:
        with transaction.atomic():
            for model in (
                ArrearsMonth,
                RollLine,
                RollReview,
                Recovery,
                PaymentRoll,
                Budget,
                Suspension,
                QualificationCheck,
                ElderBankAccount,
            ):
                model.objects.all()._raw_delete(connection.alias)
            LifeEventBatch.objects.all().delete()
            RateRule.objects.all().delete()
            Programme.objects.all().delete()

    def _programmes(self) -> list[Programme]:
        out = []
        for code, name, kind, start, qual, rates in PROGRAMMES:
            programme, _ = Programme.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "kind": kind,
                    "start_rule": start,
                    "requires_qualification_check": qual,
                },
            )
            for basis, amount in rates:
                RateRule.objects.get_or_create(
                    programme=programme,
                    valid_from=RULES_FROM,
                    **basis,
                    defaults={"amount": Decimal(amount), "note": "演示标准（参照北京市标准）"},
                )
            out.append(programme)
        return out

    def _candidates(self, district: Area) -> Any:
        cutoff = datetime.date(timezone.localdate().year - 81, 1, 1)
        return (
            Elder.objects.filter(area_path__startswith=district.path, status="living").filter(
                birth_date__lt=cutoff
            )
            | Elder.objects.filter(area_path__startswith=district.path).exclude(categories="")
            | Elder.objects.filter(area_path__startswith=district.path, capability_level__gte=2)
        )

    def _bank_accounts(self, district: Area, rng: random.Random) -> int:
        """One account per likely recipient, written in bulk (the number must be encrypted in Python)."""
        have = set(ElderBankAccount.objects.values_list("elder_id", flat=True))
        batch: list[ElderBankAccount] = []
        for elder_id, name in self._candidates(district).values_list("id", "name").distinct():
            if elder_id in have:
                continue
            number = "6228" + "".join(str(rng.randrange(10)) for _ in range(15))
            protected = crypto.protect(number, mask_account(number))
            batch.append(
                ElderBankAccount(
                    elder_id=elder_id,
                    bank_name=rng.choice(BANKS),
                    holder_name=name,
                    account_enc=protected.ciphertext,
                    account_hash=protected.digest,
                    account_masked=protected.masked,
                )
            )
        ElderBankAccount.objects.bulk_create(batch, batch_size=2000)
        return len(batch)

    def _qualification_checks(self, district: Area, rng: random.Random, actor: Any) -> int:
        """Most recipients certified within the last year; about 2% lapsed a month or two ago."""
        today = timezone.localdate()
        rows = []
        for elder_id in self._candidates(district).values_list("id", flat=True).distinct():
            lapsed = rng.random() < 0.02
            days_ago = rng.randrange(370, 420) if lapsed else rng.randrange(0, 330)
            certified = today - datetime.timedelta(days=days_ago)
            rows.append(
                QualificationCheck(
                    elder_id=elder_id,
                    certified_on=certified,
                    channel=rng.choice(list(CheckChannel.values)),
                    valid_to=certified + datetime.timedelta(days=364),
                    certified_by=actor,
                    note="演示数据",
                )
            )
        QualificationCheck.objects.bulk_create(rows, batch_size=2000)
        return len(rows)

    def _budgets(self, programmes: list[Programme], district: Area, year: int) -> None:
        for programme in programmes:
            for street in Area.objects.filter(parent=district, level=AreaLevel.STREET):
                Budget.objects.get_or_create(
                    programme=programme, area=street, year=year, defaults={"amount": Decimal("0.00")}
                )

    def _approve(self, roll: PaymentRoll, actor: Any) -> None:
        actions.payment_roll_recheck(roll=roll, actor=actor)
        for line in roll.lines.filter(flagged=True, excluded=False):
            actions.roll_line_exclude(line=line, reason=line.flag_reason or "复核剔除", actor=actor)
        roll.refresh_from_db()
        if roll.counts.get("streets"):
            actions.payment_roll_review_streets(
                roll=roll, actor=actor, note="演示审核"
            )  # every street at once
        self._fund(roll)
        actions.payment_roll_approve(roll=roll, actor=actor, confirm_over_budget=True)
        actions.payment_roll_publish(roll=roll, actor=actor)

    def _fund(self, roll: PaymentRoll) -> None:
        """Budgets sized at 11½ months of the first roll: the last months show the budget warning."""
        for budget in Budget.objects.filter(programme=roll.programme, year=roll.month.year, amount=0):
            total = RollLine.objects.filter(roll=roll, area_path__startswith=budget.area_path).aggregate(
                s=Sum("amount")
            )["s"] or Decimal(0)
            budget.amount = (total * Decimal("11.5")).quantize(Decimal("1"))
            budget.save(update_fields=["amount"])

    def _death_list(
        self, district: Area, actor: Any, rng: random.Random, months: list[datetime.date]
    ) -> LifeEventBatch:
        """A funeral-home list: deaths four months ago that nobody reported, so three months were overpaid."""
        paid = list(
            RollLine.objects.filter(month=months[-2], base_amount__gt=0, roll__area=district).values_list(
                "elder_id", flat=True
            )[:2000]
        )
        chosen = Elder.objects.filter(pk__in=rng.sample(paid, min(40, len(paid))))
        died = add_months(months[-1], -4) + datetime.timedelta(days=9)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["序号", "姓名", "身份证号", "出生日期", "死亡日期"])
        for i, elder in enumerate(chosen, 1):
            # Five rows came without the ID number: they are proposed by name and birth date.
            id_text = "" if i <= 5 else elder.id_number
            writer.writerow([i, elder.name, id_text, elder.birth_date.isoformat(), died.isoformat()])
        writer.writerow([len(chosen) + 1, "查无此人", "", "1930-01-01", died.isoformat()])
        writer.writerow([len(chosen) + 2, "外区人员", "110105194912310021", "", died.isoformat()])
        batch = lifeevents.life_event_import(
            kind=LifeEventKind.DEATH,
            source="殡葬管理所",
            data=out.getvalue().encode("utf-8-sig"),
            filename="死亡名单-殡葬管理所.csv",
            actor=actor,
        )
        for row in batch.rows.filter(status=MatchStatus.PROPOSED)[:3]:
            actions.life_event_row_decide(row=row, confirm=True, actor=actor)
        actions.life_event_batch_apply(batch=batch, actor=actor)
        batch.refresh_from_db()
        return batch
