"""Pages of 优待证: the list, a card with its reissue, issuing to one elder, a community's batch, the
printable card (PDF), and the rules."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.cards import actions, rules
from yiyang.cards.choices import CardStatus
from yiyang.cards.exports import CARD_COLUMNS
from yiyang.cards.filtersets import CardFilterSet, CardRuleFilterSet
from yiyang.cards.forms import BatchForm, CardRuleForm, IssueForm, ReissueForm
from yiyang.cards.models import Card, CardRule
from yiyang.cards.tables import CardRuleTable, CardTable
from yiyang.core import audit
from yiyang.core.errors import error_text
from yiyang.core.i18n import records_language
from yiyang.core.models import AccessLog
from yiyang.core.pdf import pdf_response, render_pdf
from yiyang.core.scoping import allowed
from yiyang.core.views import ObjectEditView, ObjectListView, ScopedViewMixin, _add_errors
from yiyang.people.choices import ElderStatus
from yiyang.people.models import Elder


class CardListView(ObjectListView):
    model = Card
    filterset = CardFilterSet
    table = CardTable
    export_columns = CARD_COLUMNS
    clear_export_permission = "people.export_clear_elder"

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("elder", "elder__area", "replaces")

    def add_url(self) -> str:
        return ""


class CardDetailView(ScopedViewMixin, View):
    model = Card

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        return render(request, "cards/card_detail.html", self.context(self.get_object()))

    def context(self, card: Card, form: ReissueForm | None = None) -> dict[str, Any]:
        user = self.request.user
        return {
            "object": card,
            "title": str(card),
            "breadcrumbs": [(_("老年人优待证"), reverse("cards:card_list")), (card.number, "")],
            "expired": card.expired(),
            "can_reissue": card.status == CardStatus.VALID and allowed(user, "issue", card),
            "can_print": card.status == CardStatus.VALID and user.has_perm("cards.print_card"),
            "reissue_form": form or ReissueForm(),
            "history": Card.objects.for_user(user)
            .filter(elder_id=card.elder_id)
            .order_by("-issued_on", "-id"),
        }


class CardReissueView(CardDetailView):
    action = "issue"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        card = self.get_object()
        form = ReissueForm(request.POST)
        if form.is_valid():
            try:
                new = actions.card_reissue(card=card, reason=form.cleaned_data["reason"], actor=request.user)
            except ValidationError as exc:
                messages.error(request, error_text(exc))
                return HttpResponseRedirect(card.get_absolute_url())
            messages.success(
                request,
                _("已补办新证：%(number)s，原证 %(old)s 作废") % {"number": new.number, "old": card.number},
            )
            return HttpResponseRedirect(new.get_absolute_url())
        card.refresh_from_db()
        return render(request, "cards/card_detail.html", self.context(card, form), status=400)


class CardIssueView(ScopedViewMixin, View):
    """发证: the elder comes from the elder's page (``?elder=``); the page says whether they qualify."""

    model = Card
    action = "issue"

    def _elder(self, request: HttpRequest) -> Elder:
        pk = request.GET.get("elder") or request.POST.get("elder") or ""
        return Elder.objects.get_for_user_or_404(request.user, "view", pk=int(pk) if pk.isdigit() else 0)

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        return self.render(request, self._elder(request), IssueForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        elder = self._elder(request)
        form = IssueForm(request.POST)
        if form.is_valid():
            try:
                card = actions.card_issue(elder=elder, actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("已发放优待证：%(number)s") % {"number": card.number})
                return HttpResponseRedirect(card.get_absolute_url())
        return self.render(request, elder, form, status=400)

    def render(self, request: HttpRequest, elder: Elder, form: IssueForm, status: int = 200) -> HttpResponse:
        today = timezone.localdate()
        rule = rules.card_rule_on(today)
        refusal = ""
        if rule is None:
            refusal = _("今天没有生效的优待证办理条件")
        elif not elder.hukou_local or elder.status != ElderStatus.LIVING:
            refusal = rules.card_refusal(
                rules.terms_of_card_rule(rule), birth_date=elder.birth_date, hukou_local=elder.hukou_local,
                living=elder.status == ElderStatus.LIVING, permit_number="-", on=today,
            )  # fmt: skip
        else:
            refusal = rules.card_refusal(
                rules.terms_of_card_rule(rule), birth_date=elder.birth_date, hukou_local=True, living=True,
                permit_number="", on=today,
            )  # fmt: skip
        title = _("发放优待证")
        return render(
            request,
            "cards/card_issue.html",
            {
                "title": title,
                "breadcrumbs": [(_("老年人优待证"), reverse("cards:card_list")), (title, "")],
                "elder": elder,
                "form": form,
                "rule": rule,
                "refusal": refusal,
                "current": Card.objects.for_user(request.user)
                .filter(elder=elder, status=CardStatus.VALID)
                .first(),
            },
            status=status,
        )


class CardPrintView(ScopedViewMixin, View):
    """The card as a printable PDF (卡面), in Chinese, with the ID number masked; printing is logged."""

    model = Card
    action = "print"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        card = self.get_object()
        if card.status != CardStatus.VALID:
            messages.error(request, _("只能打印有效的优待证"))
            return HttpResponseRedirect(card.get_absolute_url())
        audit.record_access(
            actor=request.user, kind=AccessLog.Kind.PRINT, object_type="cards.card", object_id=str(card.pk),
            subject_id=card.elder_id, area_path=card.area_path, fields=["name", "id_number_masked", "number"],
        )  # fmt: skip
        elder = card.elder
        context = {
            "card": card,
            "elder": elder,
            "sex": elder.get_sex_display(),
            "area": elder.area,
            "issued_on": _cn(card.issued_on),
            "valid_to": _cn(card.valid_to) if card.valid_to else "长期",
        }
        with records_language():
            return pdf_response(render_pdf("cards/card_print.html", context), f"优待证-{card.number}.pdf")


def _cn(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class CardBatchView(ScopedViewMixin, View):
    """批量发证: every elder of a community who qualifies by 户籍 and holds no card, in one statement."""

    model = Card
    action = "issue"

    def get(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        return self.render(request, BatchForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        self.check_permission()
        form = BatchForm(request.POST, user=request.user)
        if form.is_valid():
            community = form.cleaned_data["community"]
            try:
                issued = actions.card_issue_batch(community=community, actor=request.user)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("%(area)s 本次发放优待证 %(count)s 张") % {"area": community.name, "count": issued},
                )
                return HttpResponseRedirect(reverse("cards:card_list") + f"?area={community.path}")
        return self.render(request, form, status=400)

    def render(self, request: HttpRequest, form: BatchForm, status: int = 200) -> HttpResponse:
        title = _("批量发放优待证")
        return render(
            request,
            "cards/batch.html",
            {"title": title, "breadcrumbs": [(_("老年人优待证"), reverse("cards:card_list")), (title, "")],
             "form": form, "rule": rules.card_rule_on(timezone.localdate())},
            status=status,
        )  # fmt: skip


class CardRuleListView(ObjectListView):
    model = CardRule
    filterset = CardRuleFilterSet
    table = CardRuleTable


class CardRuleEditView(ObjectEditView):
    model = CardRule
    form = CardRuleForm
