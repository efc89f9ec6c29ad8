"""Pages of honours: campaigns, nominations, street and district review, the vote, the published list (PDF)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiyang.areas.models import Area, AreaLevel
from yiyang.core import audit
from yiyang.core.errors import error_text
from yiyang.core.forms import ScopedModelForm
from yiyang.core.models import AccessLog
from yiyang.core.pdf import pdf_response, render_pdf
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView
from yiyang.volunteers.actions import honours as actions
from yiyang.volunteers.choices import CampaignStage, Decision
from yiyang.volunteers.filtersets import HonourCampaignFilterSet
from yiyang.volunteers.models import HonourCampaign, Nomination
from yiyang.volunteers.tables import HonourCampaignTable


class HonourCampaignForm(ScopedModelForm):
    class Meta:
        model = HonourCampaign
        fields = ["name", "kind", "area", "year", "places", "vote_required", "criteria"]
        widgets = {"criteria": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        area: Any = self.fields["area"]
        area.queryset = area.queryset.filter(
            level__in=[AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY]
        )


class NominationForm(forms.Form):
    nominee = forms.CharField(label=gettext_lazy("被推荐人或单位"), max_length=100)
    area = forms.ModelChoiceField(label=gettext_lazy("所在社区"), queryset=Area.objects.none())
    deeds = forms.CharField(label=gettext_lazy("主要事迹"), widget=forms.Textarea(attrs={"rows": 3}))
    nominated_by = forms.CharField(label=gettext_lazy("推荐单位"), max_length=100, required=False)

    def __init__(self, *args: Any, user: Any, campaign: HonourCampaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area: Any = self.fields["area"]
        area.queryset = Area.objects.for_user(user).filter(level=AreaLevel.COMMUNITY,
                                                           path__startswith=campaign.area_path)  # fmt: skip


class HonourCampaignListView(ObjectListView):
    model = HonourCampaign
    filterset = HonourCampaignFilterSet
    table = HonourCampaignTable


class HonourCampaignEditView(ObjectEditView):
    model = HonourCampaign
    form = HonourCampaignForm


class HonourCampaignDetailView(ObjectDetailView):
    model = HonourCampaign
    template_name = "volunteers/campaign_detail.html"

    def get_context(self, obj: HonourCampaign) -> dict[str, Any]:
        context = super().get_context(obj)
        user = self.request.user
        rows = Nomination.objects.for_user(user).filter(campaign=obj).select_related("area")
        may_approve = HonourCampaign.objects.for_user(user, "approve").filter(pk=obj.pk).exists()
        reviewable = set(
            Nomination.objects.for_user(user, "change").filter(campaign=obj).values_list("pk", flat=True)
        )
        context.update(
            nominations=rows, may_approve=may_approve, reviewable=reviewable,
            may_nominate=obj.stage == CampaignStage.NOMINATING and user.has_perm("volunteers.add_nomination"),
            nomination_form=getattr(self, "nomination_form", None) or NominationForm(user=user, campaign=obj),
            winners=rows.filter(rank__isnull=False).order_by("rank"), approved=Decision.APPROVED,
        )  # fmt: skip
        return context


class HonourCampaignVerbView(HonourCampaignDetailView):
    """POST nominate, review (a nomination), votes (a nomination), advance, publish."""

    def post(self, request: HttpRequest, pk: int, verb: str) -> HttpResponse:
        self.check_permission()
        campaign = self.get_object()
        try:
            if verb == "nominate":
                form = NominationForm(request.POST, user=request.user, campaign=campaign)
                if not form.is_valid():
                    raise ValidationError(_("请填写被推荐人、所在社区和主要事迹"))
                actions.nomination_create(campaign=campaign, actor=request.user, **form.cleaned_data)
                messages.success(request, _("已推荐：%(name)s") % {"name": form.cleaned_data["nominee"]})
            elif verb in ("review", "votes"):
                key = request.POST.get("nomination", "")
                row = (
                    Nomination.objects.for_user(request.user)
                    .filter(campaign=campaign, pk=int(key) if key.isdigit() else 0)
                    .first()
                )
                if row is None:
                    raise Http404
                if verb == "review":
                    actions.nomination_review(nomination=row, approve=request.POST.get("decision") == "approve",
                                              actor=request.user, note=request.POST.get("note", ""))  # fmt: skip
                else:
                    raw = request.POST.get("votes", "")
                    if not raw.isdigit():
                        raise ValidationError(_("得票请填写整数"))
                    actions.votes_record(nomination=row, votes=int(raw), actor=request.user)
                messages.success(request, _("已保存：%(name)s") % {"name": row.nominee})
            elif verb == "advance":
                campaign = actions.campaign_advance(campaign=campaign, actor=request.user)
                messages.success(request, _("已进入：%(stage)s") % {"stage": campaign.get_stage_display()})
            elif verb == "publish":
                winners = actions.campaign_publish(campaign=campaign, actor=request.user)
                messages.success(request, _("已公布 %(n)s 名") % {"n": len(winners)})
            else:
                raise Http404
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("您没有此操作的权限"))
        return HttpResponseRedirect(campaign.get_absolute_url())


class HonourCampaignPdfView(HonourCampaignDetailView):
    """The published list (公示名单) as a PDF, in Chinese whatever the reader's language."""

    def get(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        self.check_permission()
        campaign = self.get_object()
        if campaign.stage != CampaignStage.PUBLISHED:
            raise Http404
        winners = (
            Nomination.objects.filter(campaign=campaign, rank__isnull=False)
            .select_related("area")
            .order_by("rank")
        )
        audit.record_access(actor=request.user, kind=AccessLog.Kind.PRINT, object_type="volunteers.honourcampaign",
                            object_id=str(campaign.pk), area_path=campaign.area_path, row_count=len(winners))  # fmt: skip
        content = render_pdf("volunteers/campaign_print.html", {"campaign": campaign, "winners": winners,
                                                                  "printed_on": timezone.localdate()})  # fmt: skip
        return pdf_response(content, f"{campaign}名单.pdf")
