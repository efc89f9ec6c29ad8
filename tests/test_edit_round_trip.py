"""Every edit page saves a record unchanged, in both languages.

A user opens the edit page of an existing record and presses 保存 without touching anything: the
record must save (a redirect, no form error) and stay exactly as it was. In the Chinese interface
dates used to be rendered as 1966/10/04, which ``<input type=date>`` rejects, so the browser showed
blank fields and the save failed with 该字段是必填项 — English worked, and no test posted a form back.

The pages are discovered, not listed: every URL whose name ends in ``_edit`` or ``_change`` or whose
view is a generic :class:`~yiyang.core.views.ObjectEditView` of an existing record (a key in the
URL). Each is opened by everyone whose menu is not empty and who may open it — the standing users
and, for a record of an organisation, a member of it in every organisation role — with the record made by the model's access-matrix factory (``core.testing`` — the
registry of factories for every scoped model), or by :data:`OTHER_RECORDS` for the few pages no
matrix reaches. A new edit page without a factory fails here.

The form is read from the page as a browser would submit it (:func:`form_fields`): the values that
inputs, selects and textareas render, so a value the browser would drop (an unparseable date, an
option not in the list) is dropped here too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from typing import Any, NamedTuple

import pytest
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from yiyang.accounts.roles import Role
from yiyang.core import crypto
from yiyang.core.navigation import menu_for
from yiyang.core.scoping import grant_membership
from yiyang.core.testing import STANDING_USERS, World, load_matrices, make_user, next_number
from yiyang.core.views import ObjectEditView

LANGUAGES = ["zh-hans", "en"]


# -- the pages ---------------------------------------------------------------------------------------


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def edit_pages() -> dict[str, URLPattern]:
    """URL name → pattern of every page that edits an existing record."""
    pages = {}
    for name, pattern in _patterns(get_resolver()):
        if not getattr(pattern.pattern, "converters", None):
            continue  # no record key: an add page, a password change
        view = getattr(pattern.callback, "view_class", None)
        generic = (
            isinstance(view, type) and issubclass(view, ObjectEditView) and "pk" in pattern.pattern.converters
        )
        if generic or name.endswith(("_edit", "_change")):
            pages[name] = pattern
    return pages


EDIT_PAGES = sorted(edit_pages())

#: Edit pages of records that no access matrix makes: URL name → ``make(world) → (record, url)``.
OTHER_RECORDS: dict[str, Callable[[World], tuple[models.Model, str]]] = {}


def _account(world: World) -> tuple[models.Model, str]:
    """Accounts keep their own visibility rule (accounts/tests/test_admin_pages.py)."""
    user = make_user(f"worker{next_number()}", "community_worker", [world.areas.community_a1])
    user.last_name, user.first_name = "王", "小五"
    user.save()
    return user, reverse("accounts:user_edit", args=[user.pk])


def _bank_account(world: World) -> tuple[models.Model, str]:
    from yiyang.benefits.tests.test_access import make_account

    account = make_account(world, world.areas.community_a1)
    return account, reverse("benefits:bankaccount_edit", args=[account.elder_id])


OTHER_RECORDS["accounts:user_edit"] = _account
OTHER_RECORDS["benefits:bankaccount_edit"] = _bank_account


#: Pages whose records live above a community (a budget or a campaign is a district's or a street's):
#: URL name → area.
PLACED_IN = {"benefits:budget_edit": "street_a", "visits:campaign_edit": "street_a"}

#: Pages under an edit-like name that do not edit the record, with the reason.
NOT_EDITS = {
    "benefits:raterule_change": "adds a new dated rate from a chosen month (an action); the rule itself never changes",
}


class Record(NamedTuple):
    obj: models.Model
    url: str
    organisation: models.Model | None = None  # the record's organisation, whose members edit it too


def records_for(world: World, url_name: str) -> list[Record]:
    """Records that the page ``url_name`` edits, and their pages: one in community A1 and, for a
    model bound to an organisation, one of organisation A (whose members are frank and, below, a
    member of every other organisation role)."""
    if url_name in OTHER_RECORDS:
        return [Record(*OTHER_RECORDS[url_name](world))]
    view_model = getattr(getattr(edit_pages()[url_name].callback, "view_class", None), "model", None)
    area = world.areas[PLACED_IN.get(url_name, "community_a1")]
    for matrix in load_matrices():
        for endpoint in matrix.endpoints.values():
            if endpoint.action != "change" or endpoint.method != "get" or endpoint.api:
                continue
            if view_model is not None and (endpoint.model or matrix.model) is not view_model:
                continue
            placements = ["home", "ours"] if matrix.organisation is not None else ["home"]
            found = []
            for placement in placements:
                obj = matrix.target(world, endpoint, area, placement)
                url = endpoint.url(obj)
                if resolve(url).view_name != url_name:
                    break
                organisation = matrix._organisations(world)["ours"] if placement == "ours" else None
                found.append(Record(obj, url, organisation))
            if found:
                return found
    raise AssertionError(
        f"{url_name}: no record to edit. Give its model's AccessMatrix an edit endpoint "
        f"(AccessMatrix.standard(…, edit_url={url_name!r})) or add it to OTHER_RECORDS here."
    )


#: Roles whose users work for an organisation (no area): each is tried as a member of the record's one.
ORGANISATION_ROLES = sorted(
    {r.value for r in Role} - {u.role for u in STANDING_USERS} - {Role.DEVICE_PLATFORM}
)


def editors(world: World, record: Record) -> list[tuple[str, Any]]:
    """(who, user) of everyone with a menu who might edit the record: the standing users and, for a
    record of an organisation, a member of it in each organisation role."""
    people = [(f"{u.username} ({u.role})", world.users[u.username]) for u in STANDING_USERS]
    if record.organisation is not None:
        for role in ORGANISATION_ROLES:
            member = make_user(f"{role}{next_number()}", role)
            grant_membership(member, record.organisation)
            people.append((f"a member ({role})", member))
    return [(who, user) for who, user in people if menu_for(user)]


# -- the form, as a browser submits it ---------------------------------------------------------------


#: What a browser keeps in an input of these types (the HTML value sanitization algorithm): any
#: other value is replaced by an empty string and the field is shown blank.
SANE_VALUES = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "time": re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
    "datetime-local": re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
    "number": re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][-+]?\d+)?"),
}


class _Forms(HTMLParser):
    """The POST forms of a page that submit to the page itself, each as name → values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, list[str]]] = []
        self.dropped: list[str] = []  # name=value the browser would not keep
        self.form: dict[str, list[str]] | None = None
        self.select: tuple[str, bool, list[str], list[str]] | None = None  # name, multiple, chosen, all
        self.option: dict[str, str | None] | None = None
        self.option_text = ""
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = dict(attr_list)
        if tag == "form":
            own = (attrs.get("method") or "").lower() == "post" and not attrs.get("action")
            self.form = {} if own else None
            return
        if self.form is None or "disabled" in attrs:
            if tag == "select":
                self.select = None
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.form.setdefault(name, []).append(attrs.get("value") or "on")
                return
            value = attrs.get("value") or ""
            sane = SANE_VALUES.get(kind)
            if value and sane is not None and not sane.fullmatch(value):
                self.dropped.append(f"{name}={value} (type={kind})")
                value = ""
            self.form.setdefault(name, []).append(value)
        elif tag == "select" and name:
            self.select = (name, "multiple" in attrs, [], [])
        elif tag == "option" and self.select is not None:
            self.option = attrs
            self.option_text = ""
        elif tag == "textarea" and name:
            self.textarea = name
            self.text = ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data
        if self.option is not None:
            self.option_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self.option is not None and self.select is not None:
            value = self.option.get("value")
            value = self.option_text.strip() if value is None else value
            self.select[3].append(value)
            if "selected" in self.option:
                self.select[2].append(value)
            self.option = None
        elif tag == "select" and self.select is not None and self.form is not None:
            name, multiple, chosen, every = self.select
            if not chosen and not multiple and every:
                chosen = every[:1]  # a single select with nothing selected submits its first option
            if chosen:
                self.form[name] = chosen
            self.select = None
        elif tag == "textarea" and self.textarea is not None and self.form is not None:
            # The parser keeps the newline after <textarea>, which a browser drops.
            self.form.setdefault(self.textarea, []).append(self.text.removeprefix("\n"))
            self.textarea = None
        elif tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.form = None


def form_fields(html: str) -> tuple[dict[str, list[str]], list[str]]:
    """The fields of the page's own POST form (the largest one submitting to the page) as a browser
    submits them, and the rendered values the browser would have dropped."""
    parser = _Forms()
    parser.feed(html)
    assert parser.forms, "no POST form submitting to the page"
    fields = max(parser.forms, key=len)
    fields.pop("csrfmiddlewaretoken", None)
    return fields, parser.dropped


# -- the record, before and after ---------------------------------------------------------------------


def state(obj: models.Model) -> dict[str, Any]:
    """What the record holds, fresh from the database: every stored field but the modification
    time; encrypted values by their keyed digest, or in clear (encrypting again draws a new nonce)."""
    fresh = type(obj)._base_manager.get(pk=obj.pk)
    values: dict[str, Any] = {}
    names = {f.name for f in fresh._meta.concrete_fields}
    for field in fresh._meta.concrete_fields:
        if getattr(field, "auto_now", False):
            continue
        if field.name.endswith("_enc"):
            base = field.name.removesuffix("_enc")
            if f"{base}_hash" not in names:  # no digest: compare the clear value
                token = field.value_from_object(fresh)
                values[base] = crypto.decrypt(token) if token else ""
            continue
        values[field.name] = field.value_from_object(fresh)
    for field in fresh._meta.many_to_many:
        values[field.name] = sorted(related.pk for related in field.value_from_object(fresh))
    return values


def form_errors(response: Any) -> Any:
    contexts = response.context or {}
    form = contexts.get("form") if hasattr(contexts, "get") else None
    alerts = re.findall(
        r'class="(?:alert alert-danger|text-danger small)"[^>]*>(.*?)</div>', response.content.decode(), re.S
    )
    if form is not None:
        return {"form": form.errors.as_data(), "page": alerts}
    return alerts or response.content.decode()[:3000]


# -- the test ------------------------------------------------------------------------------------------


def test_edit_pages_are_found() -> None:
    assert len(EDIT_PAGES) >= 15, EDIT_PAGES
    assert {"people:elder_edit", "services:recurringplan_edit", "benefits:raterule_change"} <= set(EDIT_PAGES)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url_name", EDIT_PAGES)
def test_edit_page_saves_unchanged(client: Client, world: World, url_name: str, language: str) -> None:
    if url_name in NOT_EDITS:
        pytest.skip(NOT_EDITS[url_name])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    opened = []
    for record in records_for(world, url_name):
        obj, url = record.obj, record.url
        before = state(obj)
        for name, user in editors(world, record):
            client.force_login(user)
            page = client.get(url)
            if page.status_code != 200:
                continue
            opened.append(name)
            who = f"{name}, {language}, at {url}"
            fields, dropped = form_fields(page.content.decode())
            assert not dropped, f"{who}: the browser drops these values (it shows the field blank): {dropped}"
            response = client.post(url, fields)
            assert response.status_code == 302, (
                f"{who} saved unchanged: {response.status_code}, errors {form_errors(response)}\nposted {fields}"
            )
            after = state(obj)
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            assert not changed, f"{who} saved unchanged, yet (before, after): {changed}"
    assert opened, f"{url_name}: nobody may open it"


# -- the scoped form keeps the links a record already has ----------------------------------------------


def test_an_edit_keeps_a_link_its_editor_cannot_see(world: World) -> None:
    """Choices are what the editor may see plus the record's current links: a link to a record out of
    the editor's reach is kept (not cleared on save), and no other hidden record can be chosen."""
    import datetime

    from yiyang.core.forms import ScopedModelForm
    from yiyang.people.models import Certification
    from yiyang.people.tests.factories import ElderFactory

    class Form(ScopedModelForm):
        class Meta:
            model = Certification
            fields = ["elder", "category", "valid_from"]

    theirs, other = (ElderFactory.create(area=world.areas.community_b1) for _ in range(2))
    mine = ElderFactory.create(area=world.areas.community_a1)
    cert = Certification.objects.create(elder=theirs, category="dibao", valid_from=datetime.date(2026, 1, 1))
    editing = Form(instance=cert, user=world.bob)
    assert set(editing.fields["elder"].queryset) == {theirs, mine}  # type: ignore[attr-defined]
    assert set(Form(user=world.bob).fields["elder"].queryset) == {mine}  # type: ignore[attr-defined]
    posted = Form(
        {"elder": other.pk, "category": "dibao", "valid_from": "2026-01-01"}, instance=cert, user=world.bob
    )
    assert not posted.is_valid() and "elder" in posted.errors


def test_a_time_shown_to_the_minute_keeps_its_seconds(world: World) -> None:
    """A stored time with seconds (a device's, an import's) is not truncated by saving its form unchanged;
    a time the user changed is saved as given."""
    import datetime

    from django import forms as django_forms
    from django.utils import timezone

    from yiyang.core.forms import ScopedModelForm
    from yiyang.services.models import WorkOrder
    from yiyang.services.tests.test_access import make_order

    class Form(ScopedModelForm):
        class Meta:
            model = WorkOrder
            fields = ["scheduled_start"]
            widgets = {
                "scheduled_start": django_forms.DateTimeInput(
                    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
                )
            }

    order = make_order(world, world.areas.community_a1)
    stored = order.scheduled_start
    assert stored.second or stored.microsecond
    shown = f"{timezone.localtime(stored):%Y-%m-%dT%H:%M}"
    unchanged = Form({"scheduled_start": shown}, instance=order, user=world.alice)
    assert unchanged.is_valid(), unchanged.errors
    assert unchanged.cleaned_data["scheduled_start"] == stored
    later = timezone.localtime(stored).replace(second=0, microsecond=0) + datetime.timedelta(minutes=5)
    changed = Form({"scheduled_start": f"{later:%Y-%m-%dT%H:%M}"}, instance=order, user=world.alice)
    assert changed.is_valid(), changed.errors
    assert changed.cleaned_data["scheduled_start"] == later
