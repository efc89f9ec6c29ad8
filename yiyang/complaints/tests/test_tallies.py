"""The 办结率 cells stay exactly a fresh GROUP BY of the cases, whatever the actions do and in any order.

Random sequences of the case actions (open, assign, transfer, reply, call back — satisfied, basic,
dissatisfied and so reopened, unreached — close, delete), each from a fixed seed so that a failure
reproduces: after every action the cells equal the counts grouped afresh from the cases, the rebuild
gives the same cells, and the page reads the same figures as a scan of the cases through the one door
for the district, a street, a community and a provider's staff.
"""

from __future__ import annotations

import contextlib
import datetime
import random
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.db.models.functions import Substr, TruncMonth
from django.utils import timezone

from yiyang.complaints import actions, tallies
from yiyang.complaints.choices import UNANSWERED, Finding, Satisfaction, Status, UnitKind
from yiyang.complaints.models import Case, CaseTally, ProtectiveCase
from yiyang.complaints.stats import resolution_rates
from yiyang.core.figures import figures_for
from yiyang.core.scoping import grant_membership
from yiyang.core.testing import World, next_number
from yiyang.services.models import Provider

pytestmark = pytest.mark.django_db

COUNTS = ("total", "closed", "on_time", "called", "satisfied")
Cells = dict[tuple[datetime.date, str, int, str], tuple[int, ...]]


def fresh() -> Cells:
    """The cells as the definition says, computed here from the cases one by one (not by the code
    under test): the day in the district's time zone, the area, the unit; closed, closed on time,
    reached by the return call, satisfied or basically satisfied."""
    zone = timezone.get_default_timezone()
    found: Counter[tuple[Any, ...]] = Counter()
    for c in Case.objects.all():
        key = (c.received_at.astimezone(zone).date(), c.area_path, c.unit_provider_id or 0, c.unit_name)
        closed = c.status == Status.CLOSED
        reached = c.satisfaction in ("satisfied", "basic", "dissatisfied")
        flags = (1, int(closed), int(closed and c.on_time is True), int(reached),
                 int(c.satisfaction in ("satisfied", "basic")))  # fmt: skip
        for name, flag in zip(COUNTS, flags, strict=True):
            found[(*key, name)] += flag
    keys = {k[:4] for k in found}
    return {k: tuple(found[(*k, name)] for name in COUNTS) for k in keys}


def kept() -> Cells:
    cells = {}
    for t in CaseTally.objects.all():
        assert t.total > 0, f"an empty cell was left behind: {t}"
        assert t.unit_key == (t.unit_provider_id or 0)
        cells[(t.day, t.area_path, t.unit_key, t.unit_name)] = tuple(getattr(t, n) for n in COUNTS)
    return cells


def scanned(user: Any, by: str, start: datetime.date, end: datetime.date) -> dict[str, tuple[int, ...]]:
    """The page's figures by a GROUP BY of the cases through the one door (what the page did before)."""
    zone = timezone.get_default_timezone()
    low = datetime.datetime.combine(start, datetime.time(), zone)
    high = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time(), zone)
    group: Any = {"street": Substr("area_path", 1, 9), "unit": F("unit_name"),
                  "month": TruncMonth("received_at", tzinfo=zone)}[by]  # fmt: skip
    cases = Case.objects.for_user(user).filter(received_at__gte=low, received_at__lt=high)
    rows = (
        cases.annotate(g=group)
        .values("g")
        .annotate(
            total=Count("pk"),
            closed=Count("pk", filter=Q(status=Status.CLOSED)),
            on_time=Count("pk", filter=Q(status=Status.CLOSED, on_time=True)),
            called=Count("pk", filter=Q(satisfaction__in=["satisfied", "basic", "dissatisfied"])),
            satisfied=Count("pk", filter=Q(satisfaction__in=["satisfied", "basic"])),
            late=Count("pk", filter=Q(status__in=UNANSWERED, due_at__lt=timezone.now())),
        )
        .order_by("g")
    )
    out: dict[str, tuple[int, ...]] = {}
    for r in rows:
        g = r["g"]
        label = f"{g:%Y-%m}" if by == "month" else (g or "")
        out[label] = (r["total"], r["closed"], r["on_time"], r["called"], r["satisfied"], r["late"])
    return out


def page(user: Any, by: str, start: datetime.date, end: datetime.date) -> dict[str, tuple[int, ...]]:
    rows, total = resolution_rates(user, by=by, start=start, end=end)
    out: dict[str, tuple[int, ...]] = {}
    for row in rows:
        key = row.params.get("area") if by == "street" else row.params.get(by)
        key = "" if key == "-" else key
        out[str(key)] = tuple(getattr(row, n) for n in (*COUNTS, "overdue"))
    sums = tuple(sum(v[i] for v in out.values()) for i in range(6))
    assert sums == tuple(getattr(total, n) for n in (*COUNTS, "overdue"))
    return out


class Walk:
    """Random actions on random cases, as the district administrator (who may do all of them)."""

    def __init__(self, world: World, rng: random.Random) -> None:
        self.world, self.rng = world, rng
        self.providers = [
            Provider.objects.create(name=f"颐和家政{next_number()}", kind="domestic") for _ in range(2)
        ]
        grant_membership(world.frank, self.providers[0])
        a = world.areas
        self.areas = [a.community_a1, a.community_a2, a.community_b1, a.street_b]
        self.units: list[dict[str, Any]] = [
            {"unit_kind": UnitKind.PROVIDER, "unit_provider": self.providers[0]},
            {"unit_kind": UnitKind.PROVIDER, "unit_provider": self.providers[1]},
            {"unit_kind": UnitKind.STREET, "unit_area": a.street_a},
            {"unit_kind": UnitKind.STREET, "unit_area": a.street_b},
            {"unit_kind": UnitKind.COMMUNITY, "unit_area": a.community_b1},
            {"unit_kind": UnitKind.DEPARTMENT, "unit_name": "区民政局"},
            {"unit_kind": UnitKind.DEPARTMENT, "unit_name": "区卫健委"},
        ]
        self.done: Counter[str] = Counter()

    def open(self) -> None:
        now = timezone.now()
        # Received over six weeks, minutes either side of the district's midnight included.
        received = now - datetime.timedelta(days=self.rng.randint(0, 40), minutes=self.rng.randint(0, 1440))
        data = actions.CaseData(
            channel=self.rng.choice(["hotline", "desk", "online", "letter"]),
            category=self.rng.choice(["service", "allowance", "policy", "rights"]),
            title="服务人员未按时上门", content="老人反映助洁服务未按约定时间上门。",
            area=self.rng.choice(self.areas), received_at=received,
        )  # fmt: skip
        actions.case_create(data=data, actor=self.world.alice)

    def step(self) -> str:
        cases = list(Case.objects.order_by("pk"))
        if not cases or self.rng.random() < 0.2:
            self.open()
            return "open"
        case = self.rng.choice(cases)
        alice = self.world.alice
        if case.status in UNANSWERED and self.rng.random() < 0.08:
            if ProtectiveCase.objects.filter(case=case).exists():
                return "none"
            actions.case_delete(case=case, reason="重复登记", actor=alice)
            return "delete"
        if case.status == Status.NEW:
            actions.case_assign(case=case, actor=alice, **self.rng.choice(self.units))
            return "assign"
        if case.status == Status.ASSIGNED:
            if self.rng.random() < 0.35:
                actions.case_assign(case=case, actor=alice, **self.rng.choice(self.units))
                return "transfer"
            actions.case_reply(
                case=case, reply="已核实并处理", finding=self.rng.choice(Finding.values), actor=alice
            )
            return "reply"
        if case.status == Status.REPLIED:
            if self.rng.random() < 0.2:
                actions.case_close(case=case, note="多次联系未果", actor=alice)
                return "close"
            satisfaction = self.rng.choice(Satisfaction.values)
            actions.case_return_call(case=case, satisfaction=satisfaction, actor=alice)
            return {"dissatisfied": "reopen", "unreached": "unreached"}.get(satisfaction, "close")
        return "none"  # closed: nothing more happens to it


def walked(world: World, seed: int, steps: int) -> Walk:
    """``steps`` random actions from ``seed`` (a refused one, e.g. a transfer to the same unit, included)."""
    walk = Walk(world, random.Random(seed))
    for _ in range(steps):
        with contextlib.suppress(ValidationError):
            walk.step()
    return walk


@pytest.mark.parametrize("seed", range(8))
def test_the_cells_equal_a_fresh_group_by_after_every_action(world: World, seed: int) -> None:
    walk = Walk(world, random.Random(seed))
    for _ in range(45):
        try:
            kind = walk.step()
        except ValidationError:  # e.g. a transfer to the unit that already has it: refused, nothing moved
            kind = "refused"
        walk.done[kind] += 1
        assert kept() == fresh(), (seed, kind, dict(walk.done))
    assert walk.done["open"] >= 5 and walk.done["assign"] >= 3, dict(walk.done)
    # the rebuild from scratch lands on the very same cells
    before = kept()
    tallies.rebuild()
    assert kept() == before


def test_every_kind_of_action_moves_the_counts(world: World) -> None:
    """The seeds above between them open, assign, transfer, reply, reopen, close and delete."""
    seen: Counter[str] = Counter()
    for seed in range(8):
        walk = Walk(world, random.Random(seed))
        for _ in range(45):
            with contextlib.suppress(ValidationError):
                seen[walk.step()] += 1
        Case.objects.all().delete()
        CaseTally.objects.all().delete()
    for kind in ("open", "assign", "transfer", "reply", "reopen", "unreached", "close", "delete"):
        assert seen[kind] > 0, (kind, dict(seen))


@pytest.mark.parametrize("seed", [11, 12])
def test_the_page_reads_what_a_scan_of_the_cases_gives_for_every_scope(world: World, seed: int) -> None:
    walk = walked(world, seed, 60)
    # some open cases fall overdue, so that the clock-bound count is tested too
    Case.objects.filter(status__in=UNANSWERED, due_at__isnull=False).update(
        due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    today = timezone.localdate()
    for who in ("alice", "bob", "carol", "dave", "frank", "grace"):
        user = world.users[who]
        for by in ("street", "unit", "month"):
            for start, end in ((today - datetime.timedelta(days=60), today),
                               (today - datetime.timedelta(days=20), today - datetime.timedelta(days=3))):  # fmt: skip
                assert page(user, by, start, end) == scanned(user, by, start, end), (who, by, start, end)
    # the dashboard's 今年办结率 reads the same cells: equal to the cases received this year, per child area
    figure = next(fig for fig in figures_for(world.alice) if fig.key == "complaints.resolution_rate")
    year = datetime.datetime.combine(
        today.replace(month=1, day=1), datetime.time(), timezone.get_default_timezone()
    )
    a = world.areas
    for who, area, children in (("alice", a.district, [a.street_a, a.street_b]),
                                ("bob", a.street_a, [a.community_a1, a.community_a2])):  # fmt: skip
        user = world.users[who]
        values = figure.compute(user, area.path, [c.path for c in children])
        for child in children:
            cases = Case.objects.for_user(user).filter(
                received_at__gte=year, area_path__startswith=child.path
            )
            n, done = cases.count(), cases.filter(status=Status.CLOSED).count()
            assert values[child.path] == (done / n if n else None), (who, child.name)
    # the streets see only their own areas: bob none of street B's counts
    rows, _ = resolution_rates(world.bob, by="street", start=today - datetime.timedelta(days=60), end=today)
    assert {r.params["area"] for r in rows} <= {world.areas.street_a.path}
    # the provider's staff only the cases assigned to their provider
    rows, _ = resolution_rates(world.frank, by="unit", start=today - datetime.timedelta(days=60), end=today)
    assert {r.label for r in rows} <= {walk.providers[0].name}


def test_a_case_can_only_be_deleted_while_unanswered_and_by_the_district(world: World) -> None:
    walk = Walk(world, random.Random(3))
    walk.open()
    case = Case.objects.get()
    with pytest.raises(ValidationError):
        actions.case_delete(case=case, reason="  ", actor=world.alice)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.case_delete(case=case, reason="重复登记", actor=world.bob)
    actions.case_assign(case=case, actor=world.alice, unit_kind=UnitKind.DEPARTMENT, unit_name="区民政局")
    actions.case_reply(case=case, reply="已处理", finding=Finding.ADVICE, actor=world.alice)
    with pytest.raises(ValidationError):
        actions.case_delete(case=case, reason="重复登记", actor=world.alice)
    assert kept() == fresh() != {}


def test_the_command_rebuilds_the_cells_from_scratch(world: World) -> None:
    walked(world, 5, 20)
    expected = kept()
    CaseTally.objects.all().delete()
    CaseTally.objects.create(day=timezone.localdate(), area_path="320612", unit_name="错的", total=99)
    out = StringIO()
    call_command("complaints_tallies", stdout=out)
    assert kept() == expected == fresh()
    assert "办结率统计" in out.getvalue()


def test_the_worker_task_rebuilds_too(world: World) -> None:
    Walk(world, random.Random(6)).open()
    CaseTally.objects.all().delete()
    tallies.tallies_rebuild_task.enqueue()  # the immediate backend in tests runs it now
    assert kept() == fresh() != {}


def test_the_data_migration_fills_the_cells_as_the_rebuild_does(world: World) -> None:
    import importlib

    from django.apps import apps

    walked(world, 7, 25)
    expected = kept()
    CaseTally.objects.all().delete()
    importlib.import_module("yiyang.complaints.migrations.0009_fill_case_tallies").fill(apps, None)
    assert kept() == expected == fresh()
