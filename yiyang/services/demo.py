"""Demo data for the service chain, on top of the main demo's district, users and elders.

Numbers follow seed 004: seventeen service items (社区医疗、法律援助、娱乐休闲、电脑上网、图书阅览、
代购物品、代缴电话费、家电维修、房屋托管、送餐上门、理发洗浴、打字文印 … 等17项), eight specialised
service points (八个居家养老专业服务网点) run by eight providers beside the district's home-care centre,
and a 居家养老服务站 in every community (在每个城镇社区建立社区居家养老服务站).

A month of history is written set-based (bulk inserts, with the same rules the actions apply); the
settlement of that month then runs through the real action, and a few orders for today are left for
the walk (hotline → dispatch → worker's phone → sign-off).
"""

from __future__ import annotations

import datetime
import hashlib
import math
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from yiyang.accounts.models import User
from yiyang.accounts.roles import Role
from yiyang.areas.models import Area
from yiyang.core import audit
from yiyang.core.scoping import grant_membership
from yiyang.people.models import Elder
from yiyang.services.actions.settlements import settlement_approve, settlement_generate, settlement_review
from yiyang.services.actions.visits import detect_missed_visits
from yiyang.services.actions.work_orders import (
    plans_generate,
    work_order_assign,
    work_order_create,
    work_order_dispatch,
)
from yiyang.services.choices import (
    EntitlementUnit,
    ExceptionKind,
    ExceptionStatus,
    OrderStatus,
    PointKind,
    ProviderKind,
    RequestSource,
    SignoffBy,
    SignoffMethod,
    Urgency,
)
from yiyang.services.geo import haversine_m
from yiyang.services.models import (
    AgreementItem,
    Entitlement,
    Provider,
    RecurringPlan,
    ResponseRule,
    ReturnCall,
    ServiceAgreement,
    ServiceException,
    ServiceItem,
    ServicePoint,
    Settlement,
    Visit,
    VisitRating,
    Worker,
    WorkerQualification,
    WorkOrder,
)

DEMO_PASSWORD = "Yiyang@2026"
CENTRE_PROVIDER = "通州区颐康居家养老服务中心"  # the main demo's provider user works here

# code, name, category, unit, price, payment mode, planned minutes, minimum minutes
ITEMS: list[tuple[str, str, str, str, str, str, int, int]] = [
    ("FW01", "送餐上门", "meal", "meal", "12.00", "low_cost", 20, 0),
    ("FW02", "助浴", "bath", "visit", "60.00", "government", 60, 40),
    ("FW03", "居家保洁", "cleaning", "hour", "40.00", "government", 120, 60),
    ("FW04", "紧急援助", "emergency", "visit", "0.00", "free", 30, 0),
    ("FW05", "社区医疗（上门巡诊）", "medical", "visit", "30.00", "government", 40, 20),
    ("FW06", "陪同就医", "medical", "hour", "35.00", "low_cost", 120, 60),
    ("FW07", "家政服务", "domestic", "hour", "45.00", "paid", 120, 60),
    ("FW08", "精神慰藉（聊天陪伴）", "companionship", "hour", "30.00", "government", 60, 30),
    ("FW09", "法律援助", "legal", "visit", "0.00", "free", 60, 0),
    ("FW10", "康复护理", "rehab", "hour", "60.00", "government", 60, 40),
    ("FW11", "家电维修", "repair", "piece", "30.00", "low_cost", 60, 0),
    ("FW12", "理发", "haircut", "visit", "15.00", "low_cost", 30, 10),
    ("FW13", "代购物品", "errand", "visit", "5.00", "low_cost", 40, 0),
    ("FW14", "代缴电话费", "errand", "visit", "0.00", "free", 20, 0),
    ("FW15", "房屋托管", "other", "visit", "20.00", "paid", 30, 0),
    ("FW16", "娱乐休闲与图书阅览", "recreation", "visit", "0.00", "free", 60, 0),
    ("FW17", "电脑上网与打字文印", "recreation", "visit", "2.00", "paid", 30, 0),
]

# name, kind, point kind, item codes
PROVIDERS: list[tuple[str, str, str, list[str]]] = [
    (
        CENTRE_PROVIDER,
        ProviderKind.DOMESTIC,
        PointKind.STATION,
        ["FW02", "FW03", "FW07", "FW08", "FW10", "FW13", "FW14", "FW04"],
    ),
    (
        "通州区人民医院社区卫生服务站",
        ProviderKind.MEDICAL,
        PointKind.CLINIC,
        ["FW05", "FW06", "FW10", "FW04"],
    ),
    ("金沙长者食堂", ProviderKind.CATERING, PointKind.CANTEEN, ["FW01"]),
    ("惠民便利超市", ProviderKind.SUPERMARKET, PointKind.SHOP, ["FW13", "FW14"]),
    ("安康家政服务有限公司", ProviderKind.DOMESTIC, PointKind.SHOP, ["FW03", "FW07", "FW15"]),
    ("美颜理发洗浴中心", ProviderKind.HAIR_BATH, PointKind.SHOP, ["FW02", "FW12"]),
    ("通达家电维修部", ProviderKind.REPAIR, PointKind.SHOP, ["FW11"]),
    ("通州区法律援助工作站", ProviderKind.LEGAL, PointKind.SHOP, ["FW09"]),
    ("金沙老年活动中心", ProviderKind.SOCIAL, PointKind.DAY_CARE, ["FW16", "FW17", "FW08"]),
]

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "秀英桂英玉兰建华志强海燕丽华红梅晓东春梅小红国平建军文华美玲德明"


@dataclass
class ServicesDemoResult:
    items: int
    providers: int
    points: int
    workers: int
    plans: int
    orders: int
    visits: int
    exceptions: int
    settlements: int
    today_orders: int


def _offset(rng: random.Random, lat: float, lng: float, max_m: float) -> tuple[float, float]:
    r = max_m * math.sqrt(rng.random())
    theta = rng.random() * 2 * math.pi
    return lat + r * math.cos(theta) / 111_195.0, lng + r * math.sin(theta) / (
        111_195.0 * math.cos(math.radians(lat))
    )


def _name(rng: random.Random) -> str:
    g = rng.randrange(0, len(GIVEN) // 2) * 2
    return rng.choice(SURNAMES) + GIVEN[g : g + 2]


def ensure_catalogue(start: datetime.date) -> dict[str, ServiceItem]:
    items = {}
    for code, name, category, unit, price, mode, planned, minimum in ITEMS:
        item, _ = ServiceItem.objects.get_or_create(
            code=code,
            valid_from=start,
            defaults={
                "name": name,
                "category": category,
                "unit": unit,
                "price": Decimal(price),
                "payment_mode": mode,
                "planned_minutes": planned,
                "min_minutes": minimum,
            },
        )
        items[code] = item
    for urgency, minutes in ((Urgency.URGENT, 30), (Urgency.NORMAL, 240), (Urgency.LOW, 1440)):
        ResponseRule.objects.get_or_create(urgency=urgency, valid_from=start, defaults={"minutes": minutes})
    return items


def run_services_demo(*, seed: int = 7, months_back: int = 1, orders_per_day: int = 40) -> ServicesDemoResult:
    rng = random.Random(seed)
    today = timezone.localdate()
    district = Area.objects.filter(level=3, latitude__isnull=False).order_by("code").first()
    if district is None:
        raise RuntimeError("请先运行 manage.py demo 生成演示区县和老人")
    streets = list(Area.objects.filter(parent=district).order_by("code"))
    communities = list(Area.objects.filter(parent__in=streets, latitude__isnull=False).order_by("code"))
    demo_streets = streets[:2]
    start = today.replace(day=1) - datetime.timedelta(days=400)
    with transaction.atomic():
        items = ensure_catalogue(start.replace(day=1))
        providers, points, workers = _providers(rng, district, demo_streets, communities, items, start)
        elders = list(
            Elder.objects.filter(
                area_path__startswith=demo_streets[0].path, status="living", latitude__isnull=False
            ).order_by("id")[:400]
        )
        elders += (
            list(
                Elder.objects.filter(
                    area_path__startswith=demo_streets[1].path, status="living", latitude__isnull=False
                ).order_by("id")[:200]
            )
            if len(demo_streets) > 1
            else []
        )
        if not elders:
            raise RuntimeError("演示街道没有老人：请先运行 manage.py demo")
        _entitlements(rng, elders, start)
        plans = _plans(rng, elders, items, providers, workers, today)
        history = _history(rng, elders, items, providers, workers, today, months_back, orders_per_day)
    # The settlement of last month runs through the real action, reviewed and approved as in life.
    admin = User.objects.filter(role=Role.DISTRICT_ADMIN).order_by("id").first()
    last_month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    settlements = (
        settlement_generate(month=last_month, actor=None) if admin is None else _settle(admin, last_month)
    )
    planned = plans_generate(start=today, days=14, actor=None)
    today_orders = _today(rng, elders, items, providers, workers, today)
    return ServicesDemoResult(
        items=len(items),
        providers=len(providers),
        points=points,
        workers=len(workers),
        plans=plans,
        orders=history[0] + planned + today_orders,
        visits=history[1],
        exceptions=history[2],
        settlements=len(settlements),
        today_orders=today_orders,
    )


def _settle(admin: Any, month: datetime.date) -> list[Settlement]:
    settlements = settlement_generate(month=month, actor=admin)
    for i, s in enumerate(settlements):
        if i % 3 == 2:
            continue  # left for the street to review in the walk
        street_user = User.objects.filter(role=Role.STREET_WORKER, assignments__area=s.street).first()
        reviewer = street_user or admin
        settlement_review(settlement=s, approve=True, note="已核对服务记录", actor=reviewer)
        if i % 3 == 0:
            settlement_approve(settlement=s, approve=True, note="同意结算", actor=admin)
    return settlements


def _providers(
    rng: random.Random,
    district: Area,
    demo_streets: list[Area],
    communities: list[Area],
    items: dict[str, ServiceItem],
    start: datetime.date,
) -> tuple[list[Provider], int, list[Worker]]:
    providers: list[Provider] = []
    worker_user = None
    hashed = make_password(DEMO_PASSWORD)
    for n, (name, kind, point_kind, codes) in enumerate(PROVIDERS):
        provider, created = Provider.objects.get_or_create(
            name=name,
            defaults={
                "kind": kind,
                "area": district,
                "contact_name": _name(rng),
                "contact_phone": f"0513-8{rng.randrange(1000000, 9999999)}",
                "address": f"{district.name}金沙镇{n + 1}号",
            },
        )
        providers.append(provider)
        if not created:
            continue
        agreement = ServiceAgreement.objects.create(
            provider=provider,
            number=f"TZXY{start:%Y}{n + 1:03d}",
            valid_from=start,
            valid_to=start + datetime.timedelta(days=365 * 3),
        )
        agreement.areas.set([district])
        AgreementItem.objects.bulk_create(
            AgreementItem(
                agreement=agreement,
                item=items[c],
                price=(items[c].price * Decimal("0.95")).quantize(Decimal("0.01")),
            )
            for c in codes
        )
        # Seed 004: eight 专业服务网点 in the first community, beside the station.
        home = communities[0]
        lat, lng = _offset(rng, home.latitude or 32.0, home.longitude or 121.0, 600)
        ServicePoint.objects.create(
            provider=provider,
            name=f"{name}（{home.name}网点）",
            kind=point_kind,
            latitude=lat,
            longitude=lng,
            area=home,
            address=f"{home.name}服务网点",
        )
        categories = sorted({items[c].category for c in codes})
        staff = 12 if n == 0 else 5
        for w in range(staff):
            base_area = rng.choice(
                [c for c in communities if c.path.startswith(tuple(s.path for s in demo_streets))]
                or communities
            )
            blat, blng = _offset(rng, base_area.latitude or 32.0, base_area.longitude or 121.0, 800)
            worker = Worker(
                provider=provider,
                name=_name(rng),
                base_latitude=blat,
                base_longitude=blng,
                capacity_per_day=rng.choice([4, 5, 6, 8]),
            )
            worker.set_phone(f"139{rng.randrange(10000000, 99999999)}")
            if n == 0 and w == 0:
                worker_user = User.objects.filter(username="zhulaoyuan").first() or User(
                    username="zhulaoyuan",
                    role=Role.PROVIDER_STAFF,
                    last_name="钱",
                    first_name="秀英",
                    organisation=name,
                    password=hashed,
                )
                worker_user.save()
                worker.user = worker_user
                worker.name = "钱秀英"
                grant_membership(worker_user, provider)
            worker.save()
            WorkerQualification.objects.bulk_create(
                WorkerQualification(
                    worker=worker,
                    category=c,
                    certificate="养老护理员职业技能等级证书",
                    valid_to=start + datetime.timedelta(days=365 * 4),
                )
                for c in categories
            )
    staff_user = User.objects.filter(username="provider").first()
    if staff_user is not None:
        grant_membership(staff_user, providers[0])
    # A 居家养老服务站 in every community (seed 004), run by the centre.
    points = 0
    for community in communities:
        if community.latitude is None or community.longitude is None:
            continue
        _, made = ServicePoint.objects.get_or_create(
            name=f"{community.name}居家养老服务站",
            defaults={
                "provider": providers[0],
                "kind": PointKind.STATION,
                "latitude": community.latitude,
                "longitude": community.longitude,
                "area": community,
                "address": f"{community.name}党群服务中心",
            },
        )
        points += int(made)
    workers = list(Worker.objects.filter(provider__in=providers).prefetch_related("qualifications"))
    return providers, ServicePoint.objects.count(), workers


def _entitlements(rng: random.Random, elders: list[Elder], start: datetime.date) -> None:
    have = set(Entitlement.objects.filter(elder__in=elders).values_list("elder_id", flat=True))
    rows = []
    for e in elders:
        if e.pk in have or rng.random() > 0.5:
            continue
        tekun = "tekun" in (e.categories or "")
        if rng.random() < 0.5:
            rows.append(
                Entitlement(
                    elder=e,
                    unit=EntitlementUnit.HOURS,
                    monthly_quota=Decimal(8 if tekun else 4),
                    copay_rate=Decimal("0") if tekun else Decimal("0.1"),
                    valid_from=start,
                )
            )
        else:
            rows.append(
                Entitlement(
                    elder=e,
                    unit=EntitlementUnit.AMOUNT,
                    monthly_quota=Decimal(300 if tekun else 150),
                    copay_rate=Decimal("0") if tekun else Decimal("0.2"),
                    valid_from=start,
                )
            )
    Entitlement.objects.bulk_create(rows)


def _qualified(workers: list[Worker], provider: Provider, category: str) -> list[Worker]:
    return [
        w
        for w in workers
        if w.provider_id == provider.pk and any(q.category == category for q in w.qualifications.all())
    ]


def _providers_for(providers: list[Provider], item: ServiceItem) -> list[Provider]:
    codes = {p.name: c for p_name, _, _, c in PROVIDERS for p in providers if p.name == p_name}
    return [p for p in providers if item.code in codes.get(p.name, [])]


def _plans(
    rng: random.Random,
    elders: list[Elder],
    items: dict[str, ServiceItem],
    providers: list[Provider],
    workers: list[Worker],
    today: datetime.date,
) -> int:
    if RecurringPlan.objects.exists():
        return RecurringPlan.objects.count()
    rows = []
    for e in elders[:120]:
        item = items[rng.choice(["FW03", "FW03", "FW08", "FW02", "FW01"])]
        provider = rng.choice(_providers_for(providers, item))
        candidates = _qualified(workers, provider, item.category)
        rows.append(
            RecurringPlan(
                elder=e,
                item=item,
                provider=provider,
                worker=rng.choice(candidates) if candidates else None,
                weekdays=str(rng.randint(1, 5)),
                start_time=datetime.time(rng.choice([8, 9, 10, 14, 15])),
                minutes=item.planned_minutes,
                valid_from=today - datetime.timedelta(days=60),
                area_path=e.area_path,
            )
        )
    RecurringPlan.objects.bulk_create(rows)
    return len(rows)


def _history(
    rng: random.Random,
    elders: list[Elder],
    items: dict[str, ServiceItem],
    providers: list[Provider],
    workers: list[Worker],
    today: datetime.date,
    months_back: int,
    per_day: int,
) -> tuple[int, int, int]:
    """Orders, visits and exceptions for the past month(s), bulk-written."""
    first = (today.replace(day=1) - datetime.timedelta(days=28 * months_back)).replace(day=1)
    if WorkOrder.objects.filter(
        plan_date__gte=first, plan_date__lt=today, source__in=["hotline", "desk", "family"]
    ).exists():
        return 0, 0, 0
    tz = timezone.get_current_timezone()
    item_list = [i for i in items.values() if _providers_for(providers, i)]
    orders: list[WorkOrder] = []
    plans_out: list[dict[str, Any]] = []
    used: dict[tuple[int, datetime.date], list[tuple[datetime.datetime, datetime.datetime]]] = {}
    day = first
    n = 0
    while day < today:
        for _ in range(per_day):
            elder = rng.choice(elders)
            item = rng.choice(item_list)
            provider = rng.choice(_providers_for(providers, item))
            candidates = _qualified(workers, provider, item.category)
            if not candidates:
                continue
            worker = rng.choice(candidates)
            hour = rng.choice([8, 9, 10, 13, 14, 15, 16])
            begin = datetime.datetime.combine(day, datetime.time(hour, rng.choice([0, 30])), tz)
            n += 1
            created = begin - datetime.timedelta(hours=rng.randint(3, 48))
            order = WorkOrder(
                number=f"GD{day:%Y%m%d}{900000 + n:06d}",
                elder=elder,
                item=item,
                source=rng.choice(
                    [RequestSource.HOTLINE, RequestSource.HOTLINE, RequestSource.DESK, RequestSource.FAMILY]
                ),
                urgency=rng.choice([Urgency.NORMAL, Urgency.NORMAL, Urgency.LOW, Urgency.URGENT]),
                caller=_name(rng),
                scheduled_start=begin,
                scheduled_end=begin + datetime.timedelta(minutes=item.planned_minutes),
                status=OrderStatus.VERIFIED,
                provider=provider,
                worker=worker,
                plan_date=day,
                response_due=created + datetime.timedelta(hours=4),
                dispatched_at=created + datetime.timedelta(minutes=10),
                accepted_at=created + datetime.timedelta(minutes=30),
                assigned_at=created + datetime.timedelta(minutes=40),
                area_path=elder.area_path,
                created_at=created,
            )
            roll = rng.random()
            fate = "ok"
            if roll < 0.03:
                fate = "missed"
            elif roll < 0.12:
                fate = "late"
            elif roll < 0.16:
                fate = "far"
            elif roll < 0.19:
                fate = "short"
            elif roll < 0.22:
                fate = "unsigned"
            orders.append(order)
            plans_out.append({"fate": fate})
        day += datetime.timedelta(days=1)
    for order, plan in zip(orders, plans_out, strict=True):
        if plan["fate"] == "missed":
            order.status = OrderStatus.ASSIGNED
        elif plan["fate"] == "unsigned":
            order.status = OrderStatus.COMPLETED
    WorkOrder.objects.bulk_create(orders, batch_size=1000)
    saved = {
        o.number: o
        for o in WorkOrder.objects.filter(number__in=[o.number for o in orders]).select_related(
            "elder", "item"
        )
    }
    visits: list[Visit] = []
    exceptions: list[ServiceException] = []
    for order, plan in zip(orders, plans_out, strict=True):
        o = saved[order.number]
        fate = plan["fate"]
        if fate == "missed":
            continue
        late = rng.randint(20, 70) if fate == "late" else rng.randint(-10, 10)
        checkin = o.scheduled_start + datetime.timedelta(minutes=late)
        minutes = o.item.planned_minutes + rng.randint(-5, 15)
        if fate == "short" and o.item.min_minutes:
            minutes = max(3, o.item.min_minutes // 3)
        far = fate == "far"
        lat, lng = _offset(rng, o.elder.latitude or 32.0, o.elder.longitude or 121.0, 900 if far else 80)
        if far:
            lat += 0.006
        distance = haversine_m(o.elder.latitude or 32.0, o.elder.longitude or 121.0, lat, lng)
        # keep one worker's visits from overlapping unless the overlap is the point
        key = (o.worker_id or 0, o.plan_date)
        slots = used.setdefault(key, [])
        checkout = checkin + datetime.timedelta(minutes=minutes)
        if any(a < checkout and checkin < b for a, b in slots):
            shift = max(b for _, b in slots) - checkin + datetime.timedelta(minutes=15)
            checkin += shift
            checkout += shift
        slots.append((checkin, checkout))
        signed = fate != "unsigned"
        visit = Visit(
            work_order=o,
            elder=o.elder,
            item=o.item,
            provider_id=o.provider_id or 0,
            worker_id=o.worker_id or 0,
            area_path=o.area_path,
            service_date=o.plan_date,
            checkin_at=checkin,
            checkin_latitude=lat,
            checkin_longitude=lng,
            checkin_accuracy=rng.choice([8.0, 15.0, 30.0]),
            checkin_distance=distance,
            checkout_at=checkout,
            checkout_latitude=lat,
            checkout_longitude=lng,
            checkout_distance=distance,
            minutes=minutes,
            verified=signed,
            signed_at=checkout if signed else None,
            signoff_method=(SignoffMethod.SIGNATURE if rng.random() < 0.7 else SignoffMethod.CODE)
            if signed
            else "",
            signoff_by=(SignoffBy.ELDER if rng.random() < 0.8 else SignoffBy.PROXY) if signed else "",
            created_at=checkin,
        )
        visits.append(visit)
        if checkin > o.scheduled_start + datetime.timedelta(minutes=15):
            exceptions.append(
                _exc(
                    o,
                    ExceptionKind.LATE,
                    f"晚于预约时间 {int((checkin - o.scheduled_start).total_seconds() // 60)} 分钟签到",
                    rng,
                    checkin,
                )
            )
        if distance > 300:
            exceptions.append(
                _exc(
                    o,
                    ExceptionKind.OUTSIDE_RADIUS,
                    f"签到距老人住址 {distance:.0f} 米（允许 300 米）",
                    rng,
                    checkin,
                )
            )
        if o.item.min_minutes and minutes < o.item.min_minutes:
            exceptions.append(
                _exc(
                    o,
                    ExceptionKind.TOO_SHORT,
                    f"服务 {minutes} 分钟，少于最短 {o.item.min_minutes} 分钟",
                    rng,
                    checkout,
                )
            )
    Visit.objects.bulk_create(visits, batch_size=1000)
    by_order = dict(
        Visit.objects.filter(work_order__in=list(saved.values())).values_list("work_order_id", "pk")
    )
    for exc in exceptions:
        exc.visit_id = by_order.get(exc.work_order_id)
    ServiceException.objects.bulk_create(exceptions, batch_size=1000)
    missed = detect_missed_visits(actor=None)
    # Ratings on most verified visits, return calls on the configured share.
    ratings, calls = [], []
    for v in Visit.objects.filter(pk__in=by_order.values(), verified=True).only(
        "pk", "provider_id", "area_path", "checkout_at"
    ):
        if rng.random() < 0.6:
            ratings.append(
                VisitRating(
                    visit_id=v.pk,
                    provider_id=v.provider_id,
                    area_path=v.area_path,
                    score=rng.choices([5, 4, 3, 2, 1], [55, 30, 10, 3, 2])[0],
                    comment="",
                )
            )
        if int(hashlib.sha256(f"visit:{v.pk}".encode()).hexdigest()[:8], 16) % 100 < 20:
            done = rng.random() < 0.8
            calls.append(
                ReturnCall(
                    visit_id=v.pk,
                    provider_id=v.provider_id,
                    area_path=v.area_path,
                    due_date=(v.checkout_at or timezone.now()).date() + datetime.timedelta(days=3),
                    called_at=(v.checkout_at + datetime.timedelta(days=2))
                    if done and v.checkout_at
                    else None,
                    reached=done,
                    satisfied=(rng.random() < 0.9) if done else None,
                    complaint=done and rng.random() < 0.05,
                    note="老人表示服务满意" if done else "",
                )
            )
    VisitRating.objects.bulk_create(ratings, batch_size=1000)
    ReturnCall.objects.bulk_create(calls, batch_size=1000)
    audit.record_bulk(
        actor=None,
        object_type="services.workorder",
        verb="services.demo",
        area_path="",
        message=f"演示数据：工单 {len(orders)} 张，上门记录 {len(visits)} 条，异常 {len(exceptions) + missed} 条",
    )
    return len(orders), len(visits), len(exceptions) + missed


def _exc(
    order: WorkOrder, kind: str, detail: str, rng: random.Random, when: datetime.datetime
) -> ServiceException:
    resolved = rng.random() < 0.6 and kind != ExceptionKind.OUTSIDE_RADIUS
    return ServiceException(
        work_order=order,
        provider_id=order.provider_id,
        area_path=order.area_path,
        kind=kind,
        detail=detail,
        status=ExceptionStatus.DISMISSED if resolved else ExceptionStatus.OPEN,
        resolution="已电话核实，老人确认服务正常" if resolved else "",
        resolved_at=when if resolved else None,
        created_at=when,
    )


def _today(
    rng: random.Random,
    elders: list[Elder],
    items: dict[str, ServiceItem],
    providers: list[Provider],
    workers: list[Worker],
    today: datetime.date,
) -> int:
    """A few orders for today: two new at the hotline, two assigned to the demo worker 钱秀英."""
    hotline = User.objects.filter(username="hotline").first()
    if hotline is None or WorkOrder.objects.filter(plan_date=today, source=RequestSource.HOTLINE).exists():
        return 0
    tz = timezone.get_current_timezone()
    made = 0
    me = Worker.objects.filter(user__username="zhulaoyuan").first()
    for i in range(4):
        elder = elders[i * 7 % len(elders)]
        item = items["FW03" if i % 2 == 0 else "FW08"]
        begin = datetime.datetime.combine(today, datetime.time(9 + 2 * i), tz)
        order = work_order_create(
            elder=elder,
            item=item,
            source=RequestSource.HOTLINE,
            scheduled_start=begin,
            caller="家属来电",
            actor=hotline,
            description="演示：今日上门服务",
        )
        made += 1
        if i >= 2 and me is not None:
            work_order_dispatch(order=order, provider=me.provider, actor=hotline)
            work_order_assign(order=order, worker=me, actor=hotline)
    return made
