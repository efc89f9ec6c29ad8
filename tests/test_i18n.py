"""The English translation: chosen in the interface, complete, compiled, and kept out of the records."""

from __future__ import annotations

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from yiyang.core.i18n import stored
from yiyang.core.idnumber import parse_id_number
from yiyang.core.navigation import menu_for
from yiyang.core.testing import World, new_id_number
from yiyang.people.actions import ElderData, elder_create

ROOT = Path(settings.BASE_DIR)
CATALOGS = sorted(p for p in ROOT.glob("**/locale/en/LC_MESSAGES/django.po") if ".venv" not in p.parts)
CJK = re.compile(r"[\u3400-\u9fff]")


# --- The catalogs -------------------------------------------------------------------------------


_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


def _unquote(line: str) -> str:
    body = line[line.index('"') + 1 : line.rindex('"')]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), body)


def read_po(path: Path) -> dict[str, tuple[str, bool]]:
    """Key → (msgstr, fuzzy) of a gettext catalog, keyed as the compiled catalog is: a context is
    ``context + "\\x04" + msgid``; plural forms keep their first msgstr."""
    entries: dict[str, tuple[str, bool]] = {}
    parts: dict[str, list[str]] = {}
    current: list[str] | None = None
    fuzzy = False

    def flush() -> None:
        nonlocal parts, fuzzy
        if "msgid" in parts:
            msgid = "".join(parts["msgid"])
            if "msgctxt" in parts:
                msgid = "".join(parts["msgctxt"]) + "\x04" + msgid
            entries[msgid] = ("".join(parts.get("msgstr", [])), fuzzy)
        parts, fuzzy = {}, False

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        keyword = line.split(" ", 1)[0]
        if not line.strip() or (line.startswith("#") and "msgid" in parts and "msgstr" in parts):
            flush()
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif keyword in {"msgctxt", "msgid", "msgstr", "msgstr[0]"}:
            current = parts.setdefault(keyword.removesuffix("[0]"), [])
            current.append(_unquote(line))
        elif keyword.startswith(("msgid_plural", "msgstr[")):
            current = None
        elif line.startswith('"') and current is not None:
            current.append(_unquote(line))
    entries.pop("", None)  # the header
    return entries


def test_there_are_catalogs_for_the_interface() -> None:
    assert len(CATALOGS) >= 8, CATALOGS


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_is_translated(po: Path) -> None:
    entries = read_po(po)
    assert entries
    fuzzy = [msgid for msgid, (_, is_fuzzy) in entries.items() if is_fuzzy]
    empty = [msgid for msgid, (msgstr, _) in entries.items() if not msgstr]
    chinese = [msgid for msgid, (msgstr, _) in entries.items() if CJK.search(msgstr)]
    assert not fuzzy, f"fuzzy (unchecked) translations: {fuzzy[:10]}"
    assert not empty, f"untranslated: {empty[:10]}"
    assert not chinese, f"English text still contains Chinese: {chinese[:10]}"


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_compiled_catalog_matches_its_source(po: Path) -> None:
    """The .mo served at run time is the compiled .po (run ``make messages`` after editing)."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} missing: run make messages"
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    catalog = {
        key if isinstance(key, str) else key[0]: value
        for key, value in compiled._catalog.items()  # type: ignore[attr-defined]
        if isinstance(key, str) or key[1] == 0
    }
    for msgid, (msgstr, _) in read_po(po).items():
        assert catalog.get(msgid) == msgstr, f"{mo.name} is stale for {msgid!r}: run make messages"


def test_one_chinese_text_has_one_english_text() -> None:
    """Django merges all catalogs and the first one holding a text wins, so two catalogs giving one
    Chinese text different English would make the page depend on app order (house style: one English
    term per Chinese term). Where a word really means two things, use a context (``pgettext``)."""
    seen: dict[str, dict[str, list[str]]] = {}
    for po in CATALOGS:
        for msgid, (msgstr, _) in read_po(po).items():
            seen.setdefault(msgid, {}).setdefault(msgstr, []).append(str(po.relative_to(ROOT)))
    clashes = {msgid: english for msgid, english in seen.items() if len(english) > 1}
    assert not clashes, clashes


# --- Choosing the language ------------------------------------------------------------------------


pytestmark = pytest.mark.django_db


def test_chinese_is_the_default_whatever_the_browser_says(client: Client, world: World) -> None:
    client.force_login(world.alice)
    response = client.get(reverse("people:elder_list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-CN">' in response.content.decode()


def test_the_switch_sets_english_and_back(client: Client, world: World) -> None:
    client.force_login(world.alice)
    page = reverse("people:elder_list")
    response = client.post(reverse("set_language"), {"language": "en", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    english = client.get(page)
    assert english["Content-Language"] == "en"
    assert '<html lang="en">' in english.content.decode()
    client.post(reverse("set_language"), {"language": "zh-hans", "next": page})
    assert client.get(page)["Content-Language"] == "zh-hans"


def test_the_login_page_offers_the_switch(client: Client) -> None:
    body = client.get(reverse("accounts:login")).content.decode()
    assert 'name="language" value="en"' in body


def test_an_unknown_language_cookie_falls_back_to_chinese(client: Client, world: World) -> None:
    client.force_login(world.alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert client.get(reverse("people:elder_list"))["Content-Language"] == "zh-hans"


def test_saved_text_stays_chinese() -> None:
    from django.utils import translation

    from yiyang.people.choices import LivingSituation

    with translation.override("en"):
        assert not CJK.search(str(LivingSituation.ALONE.label))
        assert stored(LivingSituation.ALONE.label) == "独居"


# --- English pages ---------------------------------------------------------------------------------


class _InterfaceText(HTMLParser):
    """Text of the elements that are pure interface: headers, labels, buttons, the menu, the title."""

    TAGS = {"th", "label", "button", "title", "legend"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.in_menu = 0
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.TAGS:
            self.open.append(tag)
        if tag == "nav" and ("id", "sidebar") in attrs:
            self.in_menu += 1
        for name, value in attrs:
            if name in {"placeholder", "aria-label"} and value and CJK.search(value):
                self.found.append(f"{name}={value}")

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()
        if tag == "nav" and self.in_menu:
            self.in_menu -= 1

    def handle_data(self, data: str) -> None:
        if (self.open or self.in_menu) and CJK.search(data):
            self.found.append(data.strip())


def chinese_interface_text(html: str, allowed: set[str]) -> list[str]:
    parser = _InterfaceText()
    parser.feed(html)
    return [t for t in parser.found if not any(a in t for a in allowed)]


def test_menu_pages_speak_english(client: Client, world: World) -> None:
    """Every page in the district administrator's menu, in English: headers, labels, buttons, menu."""
    zhangsan = ElderData(
        id_number=parse_id_number(new_id_number()), name="张三", area=world.areas.community_a1
    )
    elder = elder_create(data=zhangsan, actor=world.alice)
    client.force_login(world.alice)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    # Data shown inside headers or labels (names of areas, elders, users) is allowed to be Chinese.
    data = {a.name for a in world.areas.__dict__.values() if hasattr(a, "name")}
    data |= {u.get_full_name() for u in world.users.values()} | {"张三", "颐养"}
    pages = [item.url_name for group in menu_for(world.alice) for item in group.items]
    pages_checked = 0
    problems: dict[str, list[str]] = {}
    for name in [*pages, "people:elder_detail"]:
        url = reverse(name, args=[elder.pk]) if name == "people:elder_detail" else reverse(name)
        response = client.get(url)
        assert response.status_code == 200, url
        pages_checked += 1
        leftovers = chinese_interface_text(response.content.decode(), data)
        if leftovers:
            problems[url] = leftovers[:8]
    assert pages_checked > 10
    assert not problems, problems


def test_audit_names_the_record_in_chinese_for_an_english_user(world: World) -> None:
    from django.utils import translation

    from yiyang.core import audit
    from yiyang.core.models import AuditEntry
    from yiyang.safety.tests.factories import make_device

    device = make_device()
    with translation.override("en"):
        assert not CJK.search(str(device).split()[0])  # the page shows "SOS button T…"
        entry = audit.record_change(
            actor=world.alice, obj=device, action=AuditEntry.Action.UPDATE, verb="device.test", message="测试"
        )
    assert entry is not None
    assert CJK.search(entry.object_repr), entry.object_repr
