"""Pages of holiday condolence campaigns: the campaign, registrations, the duplicate check, delivery, 公示."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from yiyang.areas.models import Area, AreaLevel
from yiyang.core import audit
from yiyang.core.errors import error_text
from yiyang.core.exporting import date, download, money, text
from yiyang.core.i18n import records_language
from yiyang.core.models import AccessLog
from yiyang.core.pdf import pdf_response, render_pdf
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, require_perm
from yiyang.visits import campaigns, goods
from yiyang.visits.choices import CampaignStatus
from yiyang.visits.filtersets import CampaignFilterSet, ContributionFilterSet, ContributorFilterSet
from yiyang.visits.forms import CampaignForm, ContributionForm, ContributorForm
from yiyang.visits.models import (
    Campaign,
    CampaignGoods,
    Contribution,
    Contributor,
    GoodsAllocation,
    Recipient,
)
from yiyang.visits.tables import CampaignTable, ContributionTable, ContributorTable


class CampaignListView(ObjectListView):
    model = Campaign
    filterset = CampaignFilterSet
    table = CampaignTable

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("area")


class CampaignEditView(ObjectEditView):
    model = Campaign
    form = CampaignForm


class ContributorListView(ObjectListView):
    model = Contributor
    filterset = ContributorFilterSet
    table = ContributorTable


class ContributorEditView(ObjectEditView):
    model = Contributor
    form = ContributorForm

    def success_url(self, obj: Any) -> str:
        return reverse("visits:contributor_list")


class ContributionListView(ObjectListView):
    model = Contribution
    filterset = ContributionFilterSet
    table = ContributionTable
    export_columns = [
        date("登记日期", lambda c: timezone.localtime(c.created_at).date()), text("慰问活动", "campaign__name"),
        text("慰问单位", "contributor__name"), text("老人", "elder__name"), text("形式", lambda c: c.get_kind_display()),
        text("慰问内容", "description"), money("金额/折价（元）", "amount"), text("状态", lambda c: c.get_status_display()),
        text("超标准/超预算事由", "override_reason"), text("查重处理说明", "resolution_note"),
    ]  # fmt: skip

    def get_queryset(self, action: str | None = None) -> Any:
        return super().get_queryset(action).select_related("campaign", "contributor", "elder")

    def add_url(self) -> str:
        return reverse("visits:contribution_add")


def by_street(user: Any, campaign: Campaign) -> list[dict[str, Any]]:
    """Recipients, deliveries and registered amounts per street (or community), one grouped query each."""
    level = AreaLevel.STREET if campaign.area.level < AreaLevel.STREET else AreaLevel.COMMUNITY
    children = list(Area.objects.filter(path__startswith=campaign.area_path, level=level).order_by("path"))
    if not children:
        return []
    width = len(children[0].path)
    recipients = (
        Recipient.objects.for_user(user).filter(campaign=campaign)
        .annotate(child=Substr("area_path", 1, width)).values("child")
        .annotate(n=Count("id"), delivered=Count("id", filter=Q(delivered_at__isnull=False))).order_by()
    )  # fmt: skip
    amounts = (
        Contribution.objects.for_user(user).filter(campaigns.ACTIVE, campaign=campaign)
        .annotate(child=Substr("area_path", 1, width)).values("child").annotate(amount=Sum("amount")).order_by()
    )  # fmt: skip
    r = {row["child"]: row for row in recipients}
    a = {row["child"]: row["amount"] for row in amounts}
    rows = []
    for area in children:
        got = r.get(area.path, {"n": 0, "delivered": 0})
        if not got["n"] and area.path not in a:
            continue
        rows.append({"area": area, "n": got["n"], "delivered": got["delivered"], "amount": a.get(area.path) or 0,
                     "share": got["delivered"] / got["n"] if got["n"] else None})  # fmt: skip
    return rows


class CampaignDetailView(ObjectDetailView):
    model = Campaign
    template_name = "visits/campaign_detail.html"

    def get_context(self, obj: Campaign) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        context.update(
            totals=campaigns.totals(obj),
            streets=by_street(user, obj),
            duplicates=campaigns.duplicates(obj, user).count()
            if user.has_perm("visits.view_recipient")
            else 0,
            can_change=Campaign.objects.for_user(user, "change").filter(pk=obj.pk).exists(),
            can_register=user.has_perm("visits.add_contribution") and obj.status == CampaignStatus.COLLECTING,
            can_deliver=user.has_perm("visits.change_recipient") and obj.status == CampaignStatus.PURCHASING,
        )
        return context


class CampaignActionView(LoginRequiredMixin, View):
    """POST: 按条件生成名单 (recipients) or 查重完成，开始采购发放 (purchase)."""

    def post(self, request: HttpRequest, pk: int, op: str) -> HttpResponse:
        require_perm(request, "visits.change_campaign")
        campaign = Campaign.objects.get_for_user_or_404(request.user, "change", pk=pk)
        try:
            if op == "recipients":
                added = campaigns.recipients_from_rules(campaign=campaign, actor=request.user)
                messages.success(request, _("已按条件加入慰问对象 %(n)s 人") % {"n": added})
            else:
                campaigns.campaign_open_purchase(campaign=campaign, actor=request.user)
                messages.success(request, _("查重完成，可以采购发放"))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return HttpResponseRedirect(campaign.get_absolute_url())


class ContributionAddView(LoginRequiredMixin, View):
    """慰问登记: a department says what it gives to whom (the elder by ID number)."""

    def render(self, form: ContributionForm) -> HttpResponse:
        title = _("慰问登记")
        return render(self.request, "visits/contribution_add.html",
                      {"title": title, "breadcrumbs": [(title, "")], "form": form})  # fmt: skip

    def get(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "visits.add_contribution")
        return self.render(ContributionForm(user=request.user, initial=request.GET.dict()))

    def post(self, request: HttpRequest) -> HttpResponse:
        require_perm(request, "visits.add_contribution")
        form = ContributionForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                elder = campaigns.elder_by_id_number(data["id_number"])
                row = campaigns.contribution_add(
                    campaign=data["campaign"], contributor=data["contributor"], elder=elder, kind=data["kind"],
                    description=data["description"], amount=data["amount"], actor=request.user,
                    override_reason=data["override_reason"],
                )  # fmt: skip
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.error_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(request, _("已登记：%(name)s %(amount)s 元") % {"name": row.elder.name,
                                                                            "amount": row.amount})  # fmt: skip
                return HttpResponseRedirect(
                    reverse("visits:contribution_add")
                    + f"?campaign={row.campaign_id}&contributor={row.contributor_id}"
                )
        return self.render(form)


class DuplicatesView(LoginRequiredMixin, View):
    """查重: elders counted by two or more registrations, in the street's reach, each to keep or cancel."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "visits.view_recipient")
        campaign = Campaign.objects.get_for_user_or_404(request.user, pk=pk)
        flagged = list(campaigns.duplicates(campaign, request.user)[:500])
        rows = Contribution.objects.filter(recipient__in=flagged).select_related("contributor").order_by("id")
        by_recipient: dict[int, list[Contribution]] = {}
        for row in rows:
            by_recipient.setdefault(row.recipient_id, []).append(row)
        return render(
            request,
            "visits/duplicates.html",
            {
                "title": _("%(name)s 查重") % {"name": campaign.name},
                "breadcrumbs": [(campaign.name, campaign.get_absolute_url()), (_("查重"), "")],
                "campaign": campaign,
                "rows": [(r, by_recipient.get(r.pk, [])) for r in flagged],
                "can_resolve": request.user.has_perm("visits.resolve_contribution")
                and campaign.status == CampaignStatus.COLLECTING,
            },
        )


class ResolveView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "visits.resolve_contribution")
        row = Contribution.objects.get_for_user_or_404(request.user, pk=pk)
        try:
            campaigns.contribution_resolve(contribution=row, keep=request.POST.get("keep") == "1",
                                           note=request.POST.get("note", ""), actor=request.user)  # fmt: skip
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已处理：%(name)s") % {"name": row.elder.name})
        return HttpResponseRedirect(reverse("visits:campaign_duplicates", args=[row.campaign_id]))


class DeliveryView(LoginRequiredMixin, View):
    """发放签收 on a phone: the campaign's recipients in the worker's area, each signed for at the door."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "visits.view_recipient")
        campaign = Campaign.objects.get_for_user_or_404(request.user, pk=pk)
        recipients = (
            Recipient.objects.for_user(request.user).filter(campaign=campaign)
            .filter(contributions__status__in=["registered", "kept"]).distinct()
            .select_related("elder__area").order_by("delivered_at", "area_path", "id")
        )  # fmt: skip
        pending = request.GET.get("all") != "1"
        if pending:
            recipients = recipients.filter(delivered_at__isnull=True)
        gifts: dict[int, list[str]] = {}
        page = list(recipients[:200])
        for c in Contribution.objects.filter(campaigns.ACTIVE, recipient__in=page).select_related(
            "contributor"
        ):
            gifts.setdefault(c.recipient_id, []).append(
                f"{c.contributor.name}：{c.description} {c.amount} 元"
            )
        return render(
            request,
            "visits/delivery.html",
            {
                "title": _("%(name)s 发放签收") % {"name": campaign.name},
                "breadcrumbs": [(campaign.name, campaign.get_absolute_url()), (_("发放签收"), "")],
                "campaign": campaign,
                "rows": [(r, gifts.get(r.pk, [])) for r in page],
                "pending": pending,
                "can_deliver": request.user.has_perm("visits.change_recipient")
                and campaign.status == CampaignStatus.PURCHASING,
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "visits.change_recipient")
        recipient = Recipient.objects.get_for_user_or_404(
            request.user, "change", pk=request.POST.get("recipient")
        )
        try:
            campaigns.recipient_deliver(recipient=recipient, signer_name=request.POST.get("signer_name", ""),
                                        actor=request.user)  # fmt: skip
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已签收：%(name)s") % {"name": recipient.elder.name})
        return HttpResponseRedirect(reverse("visits:campaign_delivery", args=[pk]))


class PublicListView(LoginRequiredMixin, View):
    """公示 (PDF): who received what, community by community, printed in Chinese."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "visits.view_recipient")
        campaign = Campaign.objects.get_for_user_or_404(request.user, pk=pk)
        contributions = (
            Contribution.objects.for_user(request.user).filter(campaigns.ACTIVE, campaign=campaign)
            .select_related("elder__area", "contributor").order_by("area_path", "elder_id", "id")
        )  # fmt: skip
        rows: list[dict[str, Any]] = []
        total = Decimal("0.00")
        for c in contributions[:5000]:
            if rows and rows[-1]["elder_id"] == c.elder_id:
                rows[-1]["gifts"].append(f"{c.contributor.name} {c.description}")
                rows[-1]["amount"] += c.amount
            else:
                rows.append({"elder_id": c.elder_id, "n": len(rows) + 1, "name": _public_name(c.elder.name),
                             "community": c.elder.area.name, "gifts": [f"{c.contributor.name} {c.description}"],
                             "amount": c.amount})  # fmt: skip
            total += c.amount
        audit.record_access(
            actor=request.user, kind=AccessLog.Kind.PRINT, object_type="visits.campaign", object_id=str(campaign.pk),
            area_path=campaign.area_path, row_count=len(rows), reason="节日慰问公示",
        )  # fmt: skip
        with records_language():
            content = render_pdf("visits/public_list.html", {
                "campaign": campaign, "rows": rows, "total": total,
                "printed": f"{timezone.localdate():%Y年%m月%d日}",
            })  # fmt: skip
        return pdf_response(content, f"公示-{campaign.name}.pdf")


def _public_name(name: str) -> str:
    """公示 shows the name with the middle hidden (张*英), as public notices of relief do."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# -- goods in store and per street; cash by the bank ------------------------------------------------------


class GoodsView(LoginRequiredMixin, View):
    """物资: goods received, allocated and delivered per street; receive / allocate / deliver."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "visits.view_campaigngoods")
        campaign = Campaign.objects.get_for_user_or_404(request.user, pk=pk)
        goods = list(CampaignGoods.objects.filter(campaign=campaign).order_by("name", "id"))
        allocations = (
            GoodsAllocation.objects.for_user(request.user).filter(goods__campaign=campaign)
            .select_related("area", "goods").order_by("area_path", "goods__name")
        )  # fmt: skip
        by_goods: dict[int, list[GoodsAllocation]] = {}
        for row in allocations:
            by_goods.setdefault(row.goods_id, []).append(row)
        totals = {
            g.pk: GoodsAllocation.objects.filter(goods=g).aggregate(a=Sum("allocated"), d=Sum("delivered"))
            for g in goods
        }
        level = AreaLevel.STREET if campaign.area.level < AreaLevel.STREET else AreaLevel.COMMUNITY
        return render(request, "visits/goods.html", {
            "title": _("%(name)s 慰问物资") % {"name": campaign.name},
            "breadcrumbs": [(campaign.name, campaign.get_absolute_url()), (_("慰问物资"), "")],
            "campaign": campaign,
            "rows": [(g, totals[g.pk]["a"] or 0, totals[g.pk]["d"] or 0, by_goods.get(g.pk, [])) for g in goods],
            "streets": Area.objects.filter(path__startswith=campaign.area_path, level=level).order_by("path"),
            "can_receive": request.user.has_perm("visits.add_campaigngoods"),
            "can_allocate": request.user.has_perm("visits.add_goodsallocation"),
            "can_deliver": request.user.has_perm("visits.change_goodsallocation"),
        })  # fmt: skip

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "visits.view_campaigngoods")
        campaign = Campaign.objects.get_for_user_or_404(request.user, pk=pk)
        op, data = request.POST.get("op"), request.POST
        try:
            if op == "receive":
                require_perm(request, "visits.add_campaigngoods")
                goods.goods_receive(campaign=campaign, name=data.get("name", ""), unit=data.get("unit", ""),
                                    quantity=data.get("quantity"), actor=request.user)  # fmt: skip
            elif op == "allocate":
                require_perm(request, "visits.add_goodsallocation")
                row = CampaignGoods.objects.get(pk=_int(data.get("goods")), campaign=campaign)
                area = Area.objects.for_user(request.user).get(pk=_int(data.get("area")))
                goods.goods_allocate(goods=row, area=area, quantity=data.get("quantity"), actor=request.user)
            else:
                require_perm(request, "visits.change_goodsallocation")
                allocation = GoodsAllocation.objects.get_for_user_or_404(
                    request.user, "change", pk=_int(data.get("allocation")), goods__campaign=campaign
                )
                goods.goods_deliver(allocation=allocation, quantity=data.get("quantity"), actor=request.user)
        except (CampaignGoods.DoesNotExist, Area.DoesNotExist):
            messages.error(request, _("请选择物资和街道"))
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("已保存"))
        return HttpResponseRedirect(reverse("visits:campaign_goods", args=[campaign.pk]))


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


class BankFileView(LoginRequiredMixin, View):
    """慰问金代发文件 (.xlsx, or ?fmt=csv), in the bank's format; every export logged."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_perm(request, "visits.pay_campaign")
        campaign = Campaign.objects.get_for_user_or_404(request.user, pk=pk)
        try:
            with records_language():
                content, content_type, filename = goods.bank_file(
                    campaign=campaign,
                    actor=request.user,
                    fmt="csv" if request.GET.get("fmt") == "csv" else "xlsx",
                )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return HttpResponseRedirect(campaign.get_absolute_url())
        return download(content, filename, content_type)
