"""Every spreadsheet the platform hands out, opened as a spreadsheet program opens it.

Parametrised over every export in the project: each list page with export columns (found from the
URL patterns, so a new one is tested without being listed here), the clear elder export, the command
line export and the documents (settlement, reconciliation, service levels, bank file, site proposal).
Each file is read with openpyxl and checked by what its headers say, independently of how the export
declares its columns: money is a number with a 0.00 format (so SUM works), dates and times are date
cells with a date format, durations are minutes with at most one decimal, ID numbers are masked
unless the file exists to carry them in clear, and no cell holds a number or a date as text.
"""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from yiyang.accounts import roles
from yiyang.accounts.roles import Role
from yiyang.core.models import AccessLog
from yiyang.core.scoping import permission_name
from yiyang.core.testing import World
from yiyang.core.views import ObjectListView

pytestmark = pytest.mark.django_db

MASKED_ID = re.compile(r"\d{6}\*{8}\d{3}[\dX]")
CLEAR_ID = re.compile(r"\d{17}[\dX]")
NUMBER_AS_TEXT = re.compile(r"-?\d+\.\d+|\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?")


# -- the exports ------------------------------------------------------------------------------------


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[tuple[str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", getattr(p.callback, "view_class", None)


def list_exports() -> dict[str, type[ObjectListView]]:
    """One list page per distinct set of export columns (a view inheriting them exports the same)."""
    found: dict[int, tuple[str, type[ObjectListView]]] = {}
    for name, view in _walk(get_resolver().url_patterns):
        if isinstance(view, type) and issubclass(view, ObjectListView) and view.export_columns:
            defines = "export_columns" in view.__dict__
            key = id(view.export_columns)
            if key not in found or defines:
                found[key] = (name, view)
    return dict(found.values())


@dataclass(frozen=True)
class Export:
    name: str
    fetch: Callable[[Client, dict[str, Any]], bytes]
    #: the file exists to carry ID numbers in clear (bank file, clear export)
    clear_ids: bool = False


def _get(url: Callable[[dict[str, Any]], str], **params: str) -> Callable[[Client, dict[str, Any]], bytes]:
    def fetch(client: Client, data: dict[str, Any]) -> bytes:
        response = client.get(url(data), params)
        assert response.status_code == 200, (url(data), response.status_code)
        return bytes(response.content)

    return fetch


def _cli(client: Client, data: dict[str, Any]) -> bytes:
    out = data["tmp"] / "cli.xlsx"
    call_command("export_elders", "--as", "alice", "-o", str(out), stdout=io.StringIO())
    return out.read_bytes()


def _page(name: str) -> Callable[[dict[str, Any]], str]:
    return lambda _data: reverse(name)


EXPORTS = [
    *[Export(name, _get(_page(name), export="xlsx")) for name in sorted(list_exports())],
    Export(
        "people:elder_list clear",
        _get(_page("people:elder_list"), export="xlsx", clear="1", reason="报送区民政局"),
        clear_ids=True,
    ),
    Export("export_elders (command line)", _cli),
    Export(
        "services:settlement_detail",
        _get(lambda d: reverse("services:settlement_detail", args=[d["settlement"].pk]), format="xlsx"),
    ),
    Export(
        "visits:surveyround_export",
        _get(lambda d: reverse("visits:surveyround_export", args=[d["survey_round"].pk])),
    ),
    Export(
        "visits:surveytemplate_export",
        _get(lambda d: reverse("visits:surveytemplate_export", args=[d["survey_round"].template_id])),
    ),
    Export(
        "visits:campaign_bank_file",
        _get(lambda d: reverse("visits:campaign_bank_file", args=[d["campaign"].pk])),
        clear_ids=True,
    ),
    Export("meals:reconciliation", _get(_page("meals:reconciliation"), export="xlsx", by_day="1")),
    Export("safety:sla", _get(_page("safety:sla"), export="xlsx")),
    Export(
        "benefits:paymentroll_bank_file",
        _get(lambda d: reverse("benefits:paymentroll_bank_file", args=[d["roll"].pk])),
        clear_ids=True,
    ),
    Export(
        "workforce:postsubsidyroll_bank",
        _get(lambda d: reverse("workforce:postsubsidyroll_bank", args=[d["post_roll"].pk])),
        clear_ids=True,
    ),
    Export(
        "coverage:siteproposal_detail",
        _get(lambda d: reverse("coverage:siteproposal_detail", args=[d["proposal"].pk]), export="xlsx"),
    ),
]


# -- one of everything ---------------------------------------------------------------------------------


@pytest.fixture
def everything(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """An elder in a grid with a record in every module, and a district administrator allowed every
    export (some list exports are granted to no role yet; the file must be right all the same)."""
    from yiyang.assessments.tests.factories import make_assessment
    from yiyang.benefits import actions as benefits
    from yiyang.benefits.tests.factories import elder_born, longevity
    from yiyang.coverage.models import SiteProposal
    from yiyang.meals import actions as meals
    from yiyang.meals.tests.factories import make_canteen, standard_rules
    from yiyang.people.tests.factories import ElderFactory
    from yiyang.safety import actions as safety
    from yiyang.safety.ingest import ingest
    from yiyang.safety.models import Alarm
    from yiyang.safety.tests.factories import make_device, message
    from yiyang.services.actions.settlements import settlement_generate
    from yiyang.services.actions.visits import visit_check_in, visit_check_out, visit_sign_off
    from yiyang.services.models import ServiceException
    from yiyang.services.tests import factories as sf
    from yiyang.volunteers.models import Activity, HelpRequest, MutualAidPair
    from yiyang.volunteers.tests.factories import make_team, make_volunteer, verified_service

    grants = set(roles._grants[Role.DISTRICT_ADMIN])
    for _name, view in list_exports().items():
        grants.add(permission_name(view.model, "export"))
    monkeypatch.setitem(roles._grants, Role.DISTRICT_ADMIN, grants)
    monkeypatch.setattr(roles, "_frozen", {})  # permissions_for made again from the patched grants

    areas = world.areas
    elder = elder_born(datetime.date(1940, 5, 6), area=areas.grid_a1, name="张小三", address="人民路1号")
    elder.set_phone("13912345678")
    elder.latitude, elder.longitude = sf.HOME
    elder.save()
    # the access log: a street worker reads her ID number in clear, giving a reason
    from yiyang.people.actions import elder_reveal

    elder_reveal(elder=elder, field_name="id_number", reason="核对身份信息", actor=world.bob)

    # services: a verified 189-minute visit, settled; an exception on the order
    item = sf.item()
    provider = sf.provider(items=[item])
    user = sf.staff(provider, "export_worker")
    worker = sf.worker(provider, user=user)
    day = timezone.localdate().replace(day=1)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    order = sf.assigned(world.erin, provider, worker, e=elder, start=start)
    visit = visit_check_in(order=order, latitude=sf.HOME[0], longitude=sf.HOME[1], at=start, actor=user)
    visit = visit_check_out(
        visit=visit,
        latitude=sf.HOME[0],
        longitude=sf.HOME[1],
        at=start + datetime.timedelta(minutes=189, seconds=17),
        actor=user,
    )
    visit_sign_off(
        visit=visit, method="signature", signature_png=b"\x89PNG\r\n\x1a\n" + b"\0" * 64, actor=user
    )
    [settlement] = settlement_generate(month=day, actor=world.alice)
    ServiceException.objects.get_or_create(
        work_order=order,
        kind="late",
        defaults={"provider": provider, "detail": "迟到 20 分钟", "area_path": elder.area_path},
    )

    # meals
    standard_rules()
    canteen = make_canteen(areas.community_a1, name="东市长者食堂")
    meals.meal_record_create(canteen=canteen, elder=elder, slot="lunch", identified_by="card", actor=None)

    # safety: an SOS alarm acknowledged after 189.285558 seconds
    device = make_device(elder=elder)
    ingest(message(device.serial, "sos"))
    alarm = Alarm.objects.get(device=device)
    safety.alarm_acknowledge(
        alarm=alarm, actor=world.erin, now=alarm.raised_at + datetime.timedelta(seconds=189.285558)
    )

    # assessments, benefits, coverage
    make_assessment(elder)
    volunteer = make_volunteer(areas.community_a1, phone="13912340000", team=make_team(areas.community_a1))
    verified_service(volunteer, ElderFactory.create(area=areas.community_a1), minutes=95)
    HelpRequest.objects.create(elder=elder, skill="escort", description="陪同就医")
    MutualAidPair.objects.create(volunteer=volunteer, elder=elder, note="每周六上午上门")
    now = timezone.now()
    Activity.objects.create(name="重阳敬老游园会", kind="chongyang", area=areas.community_a1, place="社区广场",
                            starts_at=now, ends_at=now + datetime.timedelta(hours=2), capacity=50)  # fmt: skip
    benefits.bank_account_save(
        elder=elder, bank_name="农商银行", holder_name="张小三", number="6228480012345678901", actor=world.bob
    )
    roll = benefits.payment_roll_generate(
        programme=longevity(), area=areas.district, month=day, actor=world.alice
    )
    benefits.payment_roll_recheck(roll=roll, actor=world.alice)
    for path in roll.counts["streets"]:
        street = areas.street_a if path == areas.street_a.path else areas.street_b
        benefits.payment_roll_review(roll=roll, street=street, actor=world.alice)
    roll = benefits.payment_roll_approve(roll=roll, actor=world.alice, confirm_over_budget=True)
    proposal = SiteProposal.objects.create(
        area=areas.district,
        area_path=areas.district.path,
        kind="canteen",
        k=1,
        detour_factor=1.3,
        walk_metres=1000,
        uncovered_before=12,
        elder_total=40,
        sites=[
            {
                "rank": 1,
                "near_area": "东市社区",
                "near_area_path": areas.community_a1.path,
                "latitude": 32.066,
                "longitude": 121.073,
                "source": "社区中心",
                "gain": 9,
                "cumulative": 9,
            }
        ],
    )
    # visits: a visit recorded, another task still open; a campaign registration
    from yiyang.visits import actions as visits
    from yiyang.visits import campaigns
    from yiyang.visits.tests.factories import make_campaign, make_contributor, make_task

    visited = make_task(world, areas.grid_a1, elder=elder, assignee=world.dave, period_key="2026-01")
    visits.visit_record(task=visited, data=visits.VisitInput(client_key="export-1", seen="elder", health="good",
                                                            signed_by="elder", signer_name="张小三"), actor=None)  # fmt: skip
    make_task(world, areas.grid_a1, elder=elder, period_key="2026-02")
    campaign = make_campaign(areas.district)
    campaigns.contribution_add(campaign=campaign, contributor=make_contributor(), elder=elder,
                               kind="money", description="慰问金", amount=Decimal("300.00"), actor=None)  # fmt: skip
    campaigns.campaign_open_purchase(campaign=campaign, actor=None)
    # a needs survey answered (a number in 元, choices, a proposed registry change)
    from yiyang.visits import surveys
    from yiyang.visits.tests.factories import ANSWERS, make_response, make_round

    survey_round = make_round(areas.district)
    answered = make_response(world, areas.grid_a1, elder=elder, round=survey_round)
    surveys.survey_submit(response=answered, answers={**ANSWERS, "phone": "13812345678"}, client_key="export-s1",
                          actor=None)  # fmt: skip
    # complaints: a case about the provider, answered
    from yiyang.complaints.tests.factories import make_case

    case = make_case(areas.community_a1, provider, elder=elder, replied_at=timezone.now(), reply="已处理")
    from yiyang.complaints.models import Referral

    Referral.objects.create(case=case, kind="legal_aid", to_name="区法律援助中心")
    from yiyang.complaints.actions.protection import open_for

    open_for(make_case(areas.community_a1, elder=elder, category="neglect", title="无人照料"), None)

    # institutions: a home with the elder admitted into a bed, and a fall recorded
    from yiyang.institutions.actions.safety import incident_report
    from yiyang.institutions.tests.factories import admit, make_institution

    home = make_institution(areas.community_a1, name="东市颐养院", fee_min=Decimal("1200.00"),
                            fee_max=Decimal("2800.00"), licence_to=datetime.date(2030, 1, 1))  # fmt: skip
    stay = admit(elder, home, admitted_on=day - datetime.timedelta(days=1))
    incident_report(resident=stay, kind="fall", occurred_at=timezone.now() - datetime.timedelta(minutes=1),
                    description="如厕时跌倒", actor=None)  # fmt: skip
    # adaptation: the elder's household adapted, accepted and paid (its call device in safety); another
    # household's use check due
    from yiyang.adaptation.models import Project as AdaptationProject
    from yiyang.adaptation.models import add_months
    from yiyang.adaptation.tests.factories import make_project

    make_project(areas.community_a1, upto="paid")
    due = make_project(areas.community_a1, upto="accepted")
    accepted = add_months(timezone.localdate(), -4)
    AdaptationProject.objects.filter(pk=due.pk).update(
        accepted_on=accepted, use_check_from=add_months(accepted, 3), use_check_to=add_months(accepted, 6)
    )
    # cards: the elder's 优待证 (reissued after a loss), a year's insurance and a paid claim
    from yiyang.cards import actions as cards
    from yiyang.cards.tests.factories import make_claim, make_enrolment

    card = cards.card_issue(elder=elder, actor=None)
    cards.card_reissue(card=card, reason="lost", actor=None)
    make_enrolment(areas.grid_a1, elder=elder)
    claim = make_claim(areas.grid_a1)
    cards.claim_decide(claim=claim, status="paid", paid=Decimal("1200.00"), actor=None)

    # workforce: a care worker certified by a finished class, paid in an approved post-subsidy roll
    from yiyang.workforce import actions as workforce
    from yiyang.workforce.tests.factories import make_class, make_worker

    today = timezone.localdate()
    carer = make_worker(areas.community_a1, home, name="周秀英", post_since=datetime.date(2019, 5, 1))
    course = make_class(areas.street_a, starts_on=today - datetime.timedelta(days=30),
                        ends_on=today - datetime.timedelta(days=14))  # fmt: skip
    trainee = workforce.trainee_enrol(training_class=course, worker=carer, actor=None)
    workforce.trainee_record(trainee=trainee, days_attended=17, exam_score=90, actor=None)
    workforce.class_finish(training_class=course, actor=None)
    post_roll = workforce.roll_generate(area=areas.street_a, month=today.replace(day=1), actor=world.bob)
    workforce.roll_review(roll=post_roll, actor=world.bob)
    post_roll = workforce.roll_approve(roll=post_roll, actor=world.alice)
    return {
        "elder": elder,
        "settlement": settlement,
        "roll": roll,
        "proposal": proposal,
        "tmp": tmp_path,
        "post_roll": post_roll,
        "campaign": campaign,
        "survey_round": survey_round,
    }


# -- the checks ---------------------------------------------------------------------------------------


def _is_money(header: str) -> bool:
    return "元" in header or "金额" in header


def _is_date(header: str) -> bool:
    return any(word in header for word in ("日期", "时间", "月份", "有效期"))


def _is_duration(header: str) -> bool:
    return any(word in header for word in ("用时", "时长", "中位"))


def check_workbook(content: bytes, *, clear_ids: bool) -> int:
    """Assert what the headers promise on every sheet; returns the data cells checked."""
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    checked = 0
    for ws in workbook.worksheets:
        rows = list(ws.iter_rows())
        headers = [str(c.value or "") for c in rows[0]]
        for row in rows[1:]:
            for header, cell in zip(headers, row, strict=False):
                value = cell.value
                if value is None:
                    continue
                checked += 1
                where = f"{ws.title}!{cell.coordinate} {header}={value!r}"
                if _is_money(header):
                    if isinstance(value, str):
                        assert value == "合计", where
                        continue
                    assert isinstance(value, int | float) and not isinstance(value, bool), where
                    assert cell.number_format == "0.00", (where, cell.number_format)
                elif _is_date(header):
                    assert cell.is_date and isinstance(value, datetime.datetime), where
                    assert "yy" in cell.number_format, (where, cell.number_format)
                elif _is_duration(header):
                    assert "分钟" in header, where
                    assert isinstance(value, int | float), where
                    assert round(value, 1) == value, where
                elif header == "身份证号":
                    pattern = CLEAR_ID if clear_ids else MASKED_ID
                    assert isinstance(value, str) and pattern.fullmatch(value), where
                if isinstance(value, str):
                    assert not NUMBER_AS_TEXT.fullmatch(value), f"a number or date written as text: {where}"
        # a header-only sheet would check nothing
        assert len(rows) > 1, f"{ws.title}: no data rows"
    return checked


@pytest.mark.parametrize("export", EXPORTS, ids=[e.name for e in EXPORTS])
def test_every_export_is_typed_as_a_spreadsheet_needs(
    client: Client, world: World, everything: dict[str, Any], export: Export
) -> None:
    client.force_login(world.alice)
    content = export.fetch(client, everything)
    assert check_workbook(content, clear_ids=export.clear_ids) > 0
    assert AccessLog.objects.filter(kind=AccessLog.Kind.EXPORT).exists()


def test_every_list_export_is_covered() -> None:
    """A list page that exports must be here: discovered from the URLs, not listed by hand."""
    names = set(list_exports())
    assert {"people:elder_list", "services:workorder_list", "safety:alarm_list"} <= names
    assert names <= {e.name for e in EXPORTS}


def test_bank_file_sums_and_pays(client: Client, world: World, everything: dict[str, Any]) -> None:
    client.force_login(world.alice)
    content = EXPORTS[[e.name for e in EXPORTS].index("benefits:paymentroll_bank_file")].fetch(
        client, everything
    )
    ws = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    header = [c.value for c in ws[1]]
    [row] = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    record = dict(zip(header, row, strict=True))
    assert record["身份证号"] == everything["elder"].id_number
    assert record["账号"] == "6228480012345678901"
    assert record["金额（元）"] == 100  # a number: SUM works on it
    assert record["发放月份"] == datetime.datetime.combine(everything["roll"].month, datetime.time())
    log = AccessLog.objects.get(object_type="benefits.paymentroll")
    assert log.fields == ["身份证号", "账号"] and log.reason


def test_durations_are_minutes(client: Client, world: World, everything: dict[str, Any]) -> None:
    client.force_login(world.alice)
    response = client.get(reverse("safety:alarm_list"), {"export": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    header = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[header.index("接警用时（分钟）")] == 3.2  # 189.285558 seconds


# -- a real spreadsheet program ----------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_sums_the_bank_file(
    client: Client, world: World, everything: dict[str, Any], tmp_path: Path
) -> None:
    """LibreOffice (headless) opens the bank file, evaluates SUM over the money column and shows the
    month and money in their formats."""
    client.force_login(world.alice)
    content = EXPORTS[[e.name for e in EXPORTS].index("benefits:paymentroll_bank_file")].fetch(
        client, everything
    )
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    ws = workbook.worksheets[0]
    money_col = [c.value for c in ws[1]].index("金额（元）") + 1
    letter = openpyxl.utils.get_column_letter(money_col)
    ws.cell(row=ws.max_row + 1, column=money_col, value=f"=SUM({letter}2:{letter}{ws.max_row})")
    source = tmp_path / "bank.xlsx"
    workbook.save(source)
    subprocess.run(
        # CSV in UTF-8 (76), cells as shown (the last true): what a person sees in the sheet
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,1033,false,true,true", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    lines = (tmp_path / "bank.csv").read_text(encoding="utf-8", errors="replace").splitlines()
    total = lines[-1].split(",")[money_col - 1]
    assert Decimal(total) == Decimal("100.00"), lines  # SUM saw a number, not text
    first = lines[1].split(",")
    assert first[money_col - 1] == "100.00", first  # shown in its 0.00 format
    month = everything["roll"].month
    assert f"{month.year}年{month.month}月" in first, first  # a date cell shown as a month
