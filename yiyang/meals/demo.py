"""Demo data for meal assistance: canteens in the seeds' numbers, a week of menus, a month of meals.

Seed 001 reports 47 长者餐厅 in one county; we open 47 长者食堂 in the demo district's most populous
communities, add 助餐点 until about one site per three communities, and 送餐点 in a tenth of the
villages. A month of lunches (and some breakfasts and dinners) is written with bulk inserts.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from yiyang.areas.models import Area, AreaLevel
from yiyang.core import scoping
from yiyang.meals.choices import CanteenKind, Channel, DeliveryStatus, IdentifiedBy, MealSlot
from yiyang.meals.models import (
    Canteen,
    DeliveryOrder,
    MealCard,
    MealRecord,
    Menu,
    SubsidyRule,
)
from yiyang.meals.subsidy import quote_subsidy
from yiyang.people.models import Elder

SEED_CANTEENS = 47  # seed 001: "我县已建成长者餐厅47家"
OPERATORS = [
    "通州区颐和餐饮服务有限公司",
    "南通惠民养老服务中心",
    "社区居委会自营",
    "通州区乐龄社会工作服务社",
    "金沙福寿餐饮有限公司",
]
DISHES = {
    MealSlot.BREAKFAST: ["白粥、馒头、咸鸭蛋", "豆浆、菜包、鸡蛋", "小米粥、花卷、榨菜", "馄饨、茶叶蛋"],
    MealSlot.LUNCH: [
        "红烧肉、炒青菜、番茄蛋汤、米饭",
        "清蒸鲈鱼、麻婆豆腐、紫菜汤、米饭",
        "土豆烧鸡、炒芹菜、冬瓜汤、米饭",
        "肉末茄子、西红柿炒蛋、青菜豆腐汤、米饭",
        "红烧狮子头、清炒菠菜、萝卜汤、米饭",
    ],
    MealSlot.DINNER: ["青菜面、卤蛋", "南瓜粥、肉包、小菜", "菜饭、排骨汤"],
}
PRICES = {
    MealSlot.BREAKFAST: Decimal("4.00"),
    MealSlot.LUNCH: Decimal("12.00"),
    MealSlot.DINNER: Decimal("8.00"),
}
RULES = [
    ("60–79岁助餐补贴", "base", 60, 79, "", "2.00"),
    ("80岁以上助餐补贴", "base", 80, None, "", "4.00"),
    ("低保老人加补", "supplement", 60, None, "dibao", "3.00"),
    ("特困老人加补", "supplement", 60, None, "tekun", "3.00"),
]


def _offset(rng: random.Random, lat: float, lng: float, metres: float) -> tuple[float, float]:
    return lat + rng.uniform(-metres, metres) / 111_000, lng + rng.uniform(-metres, metres) / 94_000


def reset() -> None:
    DeliveryOrder.objects.all().delete()
    MealRecord.objects.all().delete()
    Menu.objects.all().delete()
    MealCard.objects.all().delete()
    Canteen.objects.all().delete()  # and, with each canteen, its memberships
    SubsidyRule.objects.all().delete()


@transaction.atomic
def build(
    *, district_code: str = "320612", seed: int = 3, days: int = 30, today: datetime.date | None = None
) -> dict[str, int]:
    rng = random.Random(seed)
    today = today or timezone.localdate()
    reset()
    start = datetime.date(2024, 1, 1)
    rules = [
        SubsidyRule.objects.create(
            name=n,
            part=p,
            min_age=lo,
            max_age=hi,
            category=c,
            amount=Decimal(a),
            valid_from=start,
            note="示例：《通州区老年助餐服务实施方案》",
        )
        for n, p, lo, hi, c, a in RULES
    ]
    district = Area.objects.get(code=district_code)
    communities = list(
        Area.objects.filter(level=AreaLevel.COMMUNITY, path__startswith=district.path, latitude__isnull=False)
        .annotate(n=Count("elders"))
        .order_by("-n", "code")
    )
    # Elders registered on grids count for their community.
    grid_counts: dict[int, int] = {}
    for parent_id, n in (
        Area.objects.filter(level=AreaLevel.GRID, path__startswith=district.path)
        .annotate(n=Count("elders"))
        .values_list("parent_id", "n")
    ):
        grid_counts[parent_id] = grid_counts.get(parent_id, 0) + n
    communities.sort(key=lambda c: -(getattr(c, "n", 0) + grid_counts.get(c.pk, 0)))
    target = max(SEED_CANTEENS, round(len(communities) / 3))
    canteens: list[Canteen] = []
    for i, c in enumerate(communities[:target]):
        kind = CanteenKind.CANTEEN if i < SEED_CANTEENS else CanteenKind.MEAL_POINT
        lat, lng = _offset(rng, c.latitude, c.longitude, 200)  # type: ignore[arg-type]
        suffix = "长者食堂" if kind == CanteenKind.CANTEEN else "助餐点"
        canteens.append(Canteen(
            name=f"{c.name}{suffix}", kind=kind, area=c, area_path=c.path, address=f"{c.name}综合服务中心一楼",
            latitude=lat, longitude=lng, operator=rng.choice(OPERATORS), phone=f"0513-8{rng.randint(1000000, 9999999)}",
            seats=rng.choice([30, 40, 60, 80]),
        ))  # fmt: skip
    villages = [c for c in communities[target:] if c.name.endswith("村")]
    for v in rng.sample(villages, k=len(villages) // 10) if villages else []:
        lat, lng = _offset(rng, v.latitude, v.longitude, 150)  # type: ignore[arg-type]
        canteens.append(Canteen(name=f"{v.name}送餐点", kind=CanteenKind.DELIVERY_POINT, area=v, area_path=v.path,
                                address=f"{v.name}村委会", latitude=lat, longitude=lng, operator="社区居委会自营"))  # fmt: skip
    Canteen.objects.bulk_create(canteens)
    canteens = list(Canteen.objects.order_by("pk"))
    from yiyang.accounts.models import User

    provider = User.objects.filter(username="provider").first()
    if provider and canteens:
        for counter in canteens[:3]:
            scoping.grant_membership(provider, counter)
    # Menus: a week from Monday of this week.
    monday = today - datetime.timedelta(days=today.weekday())
    menus = []
    for ct in canteens:
        if ct.kind == CanteenKind.DELIVERY_POINT:
            continue
        for d in range(7):
            for slot in MealSlot.values:
                menus.append(Menu(canteen=ct, date=monday + datetime.timedelta(days=d), slot=slot,
                                  dishes=rng.choice(DISHES[MealSlot(slot)]), price=PRICES[MealSlot(slot)]))  # fmt: skip
    Menu.objects.bulk_create(menus, batch_size=2000)
    # Diners: elders living in a community with a canteen, about one in eight of them.
    by_path = {c.area_path: c for c in canteens if c.kind != CanteenKind.DELIVERY_POINT}
    delivery_by_path = {c.area_path: c for c in canteens if c.kind == CanteenKind.DELIVERY_POINT}
    elders = list(
        Elder.objects.filter(status="living", area_path__startswith=district.path).values_list(
            "id", "area_path", "birth_date", "categories", "capability_level", "address"
        )
    )
    cards, records, orders = [], [], []
    first_day = today - datetime.timedelta(days=days - 1)
    for elder_id, path, birth, cats, level, address in elders:
        canteen = by_path.get(path[:12]) or delivery_by_path.get(path[:12])
        if canteen is None or rng.random() > 0.12:
            continue
        cards.append(MealCard(card_no=f"TZ{elder_id:08d}", elder_id=elder_id, issued_on=first_day))
        age = today.year - birth.year
        quote = quote_subsidy(rules, age=age, categories=[c for c in cats.split(",") if c], day=today)
        home = (
            canteen.kind == CanteenKind.DELIVERY_POINT
            or (level or 0) >= 3
            or (age >= 90 and rng.random() < 0.5)
        )
        for d in range(days):
            day = first_day + datetime.timedelta(days=d)
            if rng.random() > 0.7:
                continue
            slots = [MealSlot.LUNCH] + ([MealSlot.BREAKFAST] if rng.random() < 0.15 else [])
            for slot in slots:
                price = PRICES[slot]
                subsidy = quote.for_price(price)
                served = timezone.make_aware(
                    datetime.datetime.combine(
                        day, datetime.time(7 if slot == "breakfast" else 11, rng.randint(0, 59))
                    )
                )
                records.append(MealRecord(
                    elder_id=elder_id, canteen=canteen, date=day, slot=slot,
                    channel=Channel.DELIVERY if home else Channel.DINE_IN, price=price, subsidised=subsidy > 0,
                    subsidy=subsidy, elder_paid=price - subsidy, subsidy_note=quote.describe(),
                    identified_by=IdentifiedBy.DELIVERY if home else rng.choice([IdentifiedBy.CARD, IdentifiedBy.CARD, IdentifiedBy.QR, IdentifiedBy.ID_NUMBER]),
                    served_at=served,
                ))  # fmt: skip
                if home:
                    orders.append((len(records) - 1, address, day, slot, served))
    MealCard.objects.bulk_create(cards, batch_size=5000)
    MealRecord.objects.bulk_create(records, batch_size=5000)
    deliverers = ["李师傅", "王师傅", "张阿姨", "陈师傅"]
    DeliveryOrder.objects.bulk_create(
        [
            DeliveryOrder(
                canteen=records[i].canteen, elder_id=records[i].elder_id, meal=records[i], date=day, slot=slot,
                address=address or "（未登记地址）",
                status=DeliveryStatus.PENDING if day == today else DeliveryStatus.DELIVERED,
                deliverer="" if day == today else rng.choice(deliverers),
                delivered_at=None if day == today else served + datetime.timedelta(minutes=rng.randint(20, 60)),
                created_at=served,
            )
            for i, address, day, slot, served in orders
        ],
        batch_size=5000,
    )  # fmt: skip
    return {"canteens": len(canteens), "menus": len(menus), "cards": len(cards), "meals": len(records),
            "deliveries": len(orders)}  # fmt: skip


def summary_line(result: dict[str, Any]) -> str:
    return (f"助餐点 {result['canteens']} 个，菜单 {result['menus']} 条，助餐卡 {result['cards']} 张，"
            f"助餐记录 {result['meals']} 条，送餐单 {result['deliveries']} 张")  # fmt: skip
