"""The time bank's desk as a community worker uses it: statement, transfer, a refused cash withdrawal,
reversal, month-end check; and the service steps on the pages."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from yiyang.core.testing import World
from yiyang.people.models import ElderContact
from yiyang.people.tests.factories import ElderFactory
from yiyang.volunteers.models import MonthEndCheck, ServiceRecord, TimeAccount, TimeMovement
from yiyang.volunteers.tests.factories import home, make_volunteer, verified_service


def _consent(prefix: str) -> dict[str, str]:
    return {
        f"{prefix}-requested_by": "陈晓丽",
        f"{prefix}-consent": "in_person",
        f"{prefix}-proxy_relation": "",
    }


def test_the_desk_transfers_refuses_cash_and_reverses(client: Client, world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1, name="陈晓丽", age=62)
    father = ElderFactory.create(area=world.areas.community_b1, age=85, name="陈建国")
    ElderContact.objects.create(elder=father, name="陈晓丽", relation="child")
    verified_service(
        volunteer, ElderFactory.create(area=world.areas.community_a1), minutes=180, actor=world.dave
    )
    account = TimeAccount.objects.get(volunteer=volunteer)
    url = reverse("volunteers:timeaccount_detail", args=[account.pk])
    client.force_login(world.dave)
    page = client.get(url).content.decode()
    assert "3.00" in page and "服务存入" in page

    move = reverse("volunteers:timeaccount_move", args=[account.pk, "transfer"])
    refused = client.post(
        move, {"transfer-recipient": "110101194001011234", "transfer-hours": "1", **_consent("transfer")}
    )
    assert refused.status_code == 400
    response = client.post(
        move, {"transfer-recipient": father.id_number, "transfer-hours": "1.5", **_consent("transfer")}
    )
    assert response.status_code == 302
    assert TimeAccount.objects.get(elder=father).balance_minutes == 90

    cash = client.post(reverse("volunteers:timeaccount_move", args=[account.pk, "redeem"]),
                       {"redeem-hours": "1", "redeem-method": "cash", **_consent("redeem")})  # fmt: skip
    assert cash.status_code == 400
    assert "不能兑换现金" in cash.content.decode()
    account.refresh_from_db()
    assert account.balance_minutes == 90

    transfer = TimeMovement.objects.get(kind="transfer")
    client.force_login(world.bob)
    back = client.post(
        reverse("volunteers:timemovement_reverse", args=[transfer.pk]), {"reason": "填错受赠人", "next": url}
    )
    assert back.status_code == 302 and back["Location"] == url
    account.refresh_from_db()
    assert account.balance_minutes == 180
    statement = client.get(url).content.decode()
    assert f"movement-{transfer.pk}" in statement and f"冲正 #{transfer.pk}" in statement

    export = client.get(url, {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).worksheets[0].iter_rows(values_only=True))
    assert [r[5] for r in rows[1:]] == [3, -1.5, 1.5]  # hours as numbers


def test_a_worker_without_the_move_permission_sees_no_desk(client: Client, world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1)
    verified_service(volunteer, ElderFactory.create(area=world.areas.community_a1), minutes=60)
    account = TimeAccount.objects.get(volunteer=volunteer)
    client.force_login(world.grace)  # an auditor reads, never moves
    assert (
        "转赠" not in client.get(reverse("volunteers:timeaccount_detail", args=[account.pk])).content.decode()
    )
    move = reverse("volunteers:timeaccount_move", args=[account.pk, "donate"])
    assert client.post(move, {"donate-hours": "1", **_consent("donate")}).status_code == 403


def test_month_end_on_the_page_and_the_command(client: Client, world: World) -> None:
    verified_service(
        make_volunteer(world.areas.community_a1), ElderFactory.create(area=world.areas.community_a1)
    )
    client.force_login(world.alice)
    response = client.post(reverse("volunteers:monthendcheck_run"), {"month": "2026-12"})
    assert response.status_code == 302
    assert MonthEndCheck.objects.get().ok
    client.force_login(world.bob)
    assert client.post(reverse("volunteers:monthendcheck_run"), {"month": "2026-12"}).status_code == 403
    out = io.StringIO()
    call_command("timebank_month_end", "--month", "2026-12", "--json", stdout=out)
    assert '"ok": true' in out.getvalue()


def test_a_service_on_the_pages_check_in_out_and_sign_off(client: Client, world: World) -> None:
    volunteer = make_volunteer(world.areas.community_a1)
    elder = ElderFactory.create(area=world.areas.community_a1)
    lat, lng = home(elder)
    client.force_login(world.dave)
    missing = client.post(reverse("volunteers:servicerecord_add"),
                          {"volunteer": volunteer.pk, "elder": elder.id_number, "skill": "health"})  # fmt: skip
    assert missing.status_code == 400 and "定位" in missing.content.decode()
    response = client.post(reverse("volunteers:servicerecord_add"), {"volunteer": volunteer.pk, "elder": elder.id_number,
                                                                      "skill": "health", "latitude": lat, "longitude": lng})  # fmt: skip
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    ServiceRecord.objects.filter(pk=record.pk).update(
        checked_in_at=record.checked_in_at - datetime.timedelta(minutes=45)
    )
    assert client.post(reverse("volunteers:servicerecord_check_out", args=[record.pk]),
                       {"latitude": lat, "longitude": lng}).status_code == 302  # fmt: skip
    assert client.post(reverse("volunteers:servicerecord_sign_off", args=[record.pk]),
                       {"method": "signature", "signed_by": elder.name, "rating": "5"}).status_code == 302  # fmt: skip
    assert TimeAccount.objects.get(volunteer=volunteer).balance_minutes == 45
    # the same sign-off posted again (a double tap) credits nothing more
    client.post(
        reverse("volunteers:servicerecord_sign_off", args=[record.pk]),
        {"method": "signature", "signed_by": "x"},
    )
    assert TimeAccount.objects.get(volunteer=volunteer).balance_minutes == 45


@pytest.mark.parametrize("verb", ["transfer", "donate", "redeem"])
def test_the_api_refuses_with_a_reason(client: Client, world: World, verb: str) -> None:
    volunteer = make_volunteer(world.areas.community_a1, age=40)
    verified_service(volunteer, ElderFactory.create(area=world.areas.community_a1), minutes=30)
    account = TimeAccount.objects.get(volunteer=volunteer)
    client.force_login(world.dave)
    body = {"minutes": 60, "requested_by": "本人", "consent": "in_person", "method": "cash",
            "recipient_id_number": ElderFactory.create(area=world.areas.community_a1).id_number}  # fmt: skip
    response = client.post(
        reverse(f"timeaccount-{verb}", args=[account.pk]), body, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert ("现金" in response.content.decode()) if verb == "redeem" else True
    account.refresh_from_db()
    assert account.balance_minutes == 30
