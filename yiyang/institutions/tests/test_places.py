"""Buildings, floors and rooms as records: beds move into them by a data migration (both ways), the bed
list imports and exports through them and round-trips, forms and the API find or make them, and a
home's occupancy is read per building and floor."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from typing import Any

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yiyang.core.importing.actions import import_batch_create, import_batch_start
from yiyang.core.models import ImportBatch
from yiyang.core.testing import World
from yiyang.institutions import selectors
from yiyang.institutions.models import Bed, Building, Floor, Room
from yiyang.institutions.tests.factories import admit, form_values, make_bed, make_institution, make_staff
from yiyang.people.tests.factories import ElderFactory

BEFORE = [("institutions", "0007_resident_centralised_support")]
AFTER = [("institutions", "0008_buildings_floors_rooms")]
TODAY = timezone.localdate()


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.fixture
def rewound(transactional_db: None) -> Iterator[MigrationExecutor]:
    executor = _migrate(BEFORE)
    yield executor
    _migrate(executor.loader.graph.leaf_nodes())


def test_beds_move_into_buildings_floors_and_rooms_and_back(rewound: MigrationExecutor) -> None:
    old = rewound.loader.project_state(BEFORE).apps
    Area = old.get_model("areas", "Area")
    Institution = old.get_model("institutions", "Institution")
    OldBed = old.get_model("institutions", "Bed")
    area = Area.objects.create(code="320612001001", path="320612001001", name="东市社区", level=5)
    homes = [
        Institution.objects.create(name=name, kind="private", area=area, area_path=area.path)
        for name in ("爱心养老院", "夕阳红养老院")
    ]
    places = [
        (homes[0], "1号楼", 1, "101", "1"), (homes[0], "1号楼", 1, "101", "2"), (homes[0], "1号楼", 2, "201", "1"),
        (homes[0], "2号楼", 1, "101", "1"), (homes[1], "1号楼", 1, "101", "1"),
    ]  # fmt: skip
    for home, building, floor, room, number in places:
        OldBed.objects.create(institution=home, building=building, floor=floor, room=room, number=number)

    executor = _migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    assert new.get_model("institutions", "Building").objects.count() == 3
    assert new.get_model("institutions", "Floor").objects.count() == 4
    assert new.get_model("institutions", "Room").objects.count() == 4
    moved = {
        (b.institution_id, b.room.floor.building.name, b.room.floor.level, b.room.number, b.number)
        for b in new.get_model("institutions", "Bed").objects.select_related("room__floor__building")
    }
    assert moved == {(h.pk, b, f, r, n) for h, b, f, r, n in places}

    executor = _migrate(BEFORE)
    back = executor.loader.project_state(BEFORE).apps.get_model("institutions", "Bed")
    assert set(back.objects.values_list("institution_id", "building", "floor", "room", "number")) == {
        (h.pk, b, f, r, n) for h, b, f, r, n in places
    }


def _sheet(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["床位清单"])
    sheet.append(["机构名称", "楼栋", "楼层", "房间", "床号", "床位类型", "状态", "投用日期"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _import(user: Any, content: bytes) -> ImportBatch:
    batch = import_batch_create(
        kind="institutions.bed", upload=ContentFile(content), filename="床位清单.xlsx", actor=user,
        dry_run=False, skip_invalid=False,
    )  # fmt: skip
    import_batch_start(batch, background=False)
    batch.refresh_from_db()
    return batch


@pytest.mark.django_db
def test_the_bed_list_round_trips_through_the_rooms(client: Client, world: World) -> None:
    home = make_institution(world.areas.community_a1, name="爱心养老院")
    staff = make_staff(home)
    rows: list[list[object]] = [
        ["爱心养老院", "1号楼", 1, "101", "1", "养护床位", "可用", datetime.date(2025, 6, 1)],
        ["爱心养老院", "1号楼", 1, "101", "2", "护理型床位", "可用", datetime.date(2025, 6, 1)],
        ["爱心养老院", "1号楼", 2, "201", "1", "认知障碍照护床位", "可用", datetime.date(2025, 6, 1)],
        ["爱心养老院", "康复楼", -1, "B01", "1", "护理型床位", "维修停用", datetime.date(2025, 6, 1)],
    ]
    first = _import(staff, _sheet(rows))
    assert first.status == "applied" and first.created == 4, first.message
    assert (Building.objects.filter(institution=home).count(), Floor.objects.count(), Room.objects.count()) == (
        2, 3, 3
    )  # fmt: skip
    # The export re-imports unchanged: nothing created, nothing changed, no new room.
    client.force_login(staff)
    exported = client.get(reverse("institutions:bed_list") + "?export=xlsx")
    assert exported.status_code == 200
    again = _import(staff, exported.content)
    assert again.status == "applied" and (again.created, again.updated, again.unchanged) == (0, 0, 4), (
        again.message
    )
    assert Room.objects.count() == 3
    # A corrected floor moves the bed to that floor's room (made once), whatever the number of imports.
    rows[1][2] = 3
    for _ in range(2):
        assert _import(staff, _sheet(rows)).status == "applied"
    bed = Bed.objects.get(room__number="101", number="2")
    assert (bed.building_name, bed.floor_level, bed.room_number) == ("1号楼", 3, "101")
    assert Room.objects.count() == 4 and Bed.objects.count() == 4


@pytest.mark.django_db
def test_the_bed_form_and_the_api_find_or_make_the_room(client: Client, world: World) -> None:
    home = make_institution(world.areas.community_a1)
    bed = make_bed(home, building="2号楼", floor=3, room="305", number="1")
    client.force_login(world.bob)
    edit = reverse("institutions:bed_edit", args=[bed.pk])
    values = form_values(client.get(edit).content.decode())
    assert (values["building"], values["floor"], values["room"]) == ("2号楼", "3", "305")
    assert client.post(edit, values).status_code == 302
    assert Room.objects.count() == 1
    values["floor"] = "4"
    assert client.post(edit, values).status_code == 302
    bed.refresh_from_db()
    assert (bed.floor_level, bed.room_number) == (4, "305") and Floor.objects.count() == 2
    # The same number in the same room twice: refused with the reason.
    values.update(number="2")
    client.post(reverse("institutions:bed_add"), values)
    refused = client.post(reverse("institutions:bed_add"), values)
    assert refused.status_code == 200 and "该房间已有此床号" in refused.content.decode()
    created = client.post(
        reverse("institutionbed-list"),
        {
            "institution": home.pk,
            "building": "3号楼",
            "floor": 1,
            "room": "101",
            "number": "1",
            "kind": "care",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert (
        created.json()["building"] == "3号楼"
        and Bed.objects.get(pk=created.json()["id"]).room_number == "101"
    )
    clash = client.post(
        reverse("institutionbed-list"),
        {
            "institution": home.pk,
            "building": "3号楼",
            "floor": 1,
            "room": "101",
            "number": "1",
            "kind": "care",
        },
        content_type="application/json",
    )
    assert clash.status_code == 400
    # Another home's staff cannot put a bed, nor so much as a building, into this home.
    buildings = Building.objects.count()
    client.force_login(make_staff(make_institution(world.areas.community_a1)))
    refused = client.post(
        reverse("institutionbed-list"),
        {
            "institution": home.pk,
            "building": "9号楼",
            "floor": 1,
            "room": "901",
            "number": "1",
            "kind": "care",
        },
        content_type="application/json",
    )
    assert refused.status_code in (400, 403) and Building.objects.count() == buildings


@pytest.mark.django_db
def test_occupancy_by_building_and_floor(client: Client, world: World) -> None:
    home = make_institution(world.areas.community_a1)
    first = [make_bed(home, building="1号楼", floor=1, room="101", number=str(n)) for n in (1, 2, 3)]
    second = [make_bed(home, building="1号楼", floor=2, room="201", number=str(n)) for n in (1, 2)]
    make_bed(home, building="2号楼", floor=1, room="101", number="1", status="maintenance")
    admit(ElderFactory.create(area=world.areas.community_a1), home, first[0])
    admit(ElderFactory.create(area=world.areas.community_a1), home, first[1])
    admit(ElderFactory.create(area=world.areas.community_a1), home, second[0])
    rows = [(f.building, f.floor, f.beds, f.occupied) for f in selectors.occupancy_by_floor(home, TODAY)]
    assert rows == [("1号楼", 1, 3, 2), ("1号楼", 2, 2, 1)]  # a bed under maintenance is not in use
    client.force_login(world.bob)
    page = client.get(home.get_absolute_url()).content.decode()
    table = page.split('id="occupancy-by-floor"')[1]
    assert 'data-building="1号楼" data-floor="1"' in table and "66.7%" in table and "50.0%" in table
