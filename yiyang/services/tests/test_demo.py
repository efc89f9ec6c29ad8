from __future__ import annotations

from django.core.management import call_command

from yiyang.core.testing import World, make_user
from yiyang.services.models import (
    Provider,
    RecurringPlan,
    ServiceException,
    ServiceItem,
    ServicePoint,
    Settlement,
    Visit,
    WorkOrder,
)
from yiyang.services.tests import factories as f


def test_demo_services_builds_a_month_and_is_rerunnable(world: World) -> None:
    for area in (world.areas.community_a1, world.areas.community_a2, world.areas.community_b1):
        area.latitude, area.longitude = f.HOME
        area.save()
    world.areas.district.latitude, world.areas.district.longitude = f.HOME
    world.areas.district.save()
    make_user("hotline", "hotline_operator", [world.areas.district])
    for _ in range(12):
        f.elder(world.areas.community_a1)
        f.elder(world.areas.community_b1)
    call_command("demo_services", "--orders-per-day", "3")
    assert ServiceItem.objects.count() == 17
    assert Provider.objects.count() == 9
    assert ServicePoint.objects.count() >= 9
    assert RecurringPlan.objects.exists()
    assert Visit.objects.filter(verified=True).exists()
    assert ServiceException.objects.filter(kind="late").exists()
    assert Settlement.objects.exists()
    orders = WorkOrder.objects.count()
    call_command("demo_services", "--orders-per-day", "3")
    assert Provider.objects.count() == 9
    assert WorkOrder.objects.count() == orders
    call_command("plans_generate", "--days", "7")
    call_command("settlement_generate")
    call_command("services_detect_missed")
