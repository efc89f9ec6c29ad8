"""Honours: nominated, reviewed by the street then the district, voted on where the rules say so, published."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area
from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people.models import Elder
from yiyang.volunteers.choices import CampaignStage, Decision
from yiyang.volunteers.models import HonourCampaign, Nomination

_NEXT = {
    CampaignStage.NOMINATING: CampaignStage.STREET_REVIEW,
    CampaignStage.STREET_REVIEW: CampaignStage.DISTRICT_REVIEW,
    CampaignStage.DISTRICT_REVIEW: CampaignStage.VOTING,
}


def _change(obj: Any, actor: Any, verb: str, before: dict[str, Any], message: str = "") -> None:
    audit.record_change(actor=actor, obj=obj, action=AuditEntry.Action.WORKFLOW, verb=verb, before=before,
                        after=audit.snapshot(obj), message=message)  # fmt: skip


def nomination_create(
    *, campaign: HonourCampaign, nominee: str, area: Area, deeds: str, actor: Any, elder: Elder | None = None,
    nominated_by: str = "",
) -> Nomination:  # fmt: skip
    row = Nomination(campaign=campaign, nominee=nominee.strip(), area=area, deeds=deeds.strip(), elder=elder,
                     nominated_by=nominated_by)  # fmt: skip
    row.area_path = area.path
    require(actor, "add", row)
    if campaign.stage != CampaignStage.NOMINATING:
        raise ValidationError(_("推荐提名已截止"))
    if not area.path.startswith(campaign.area_path):
        raise ValidationError({"area": _("被推荐人不在本次评选范围内")})
    if not row.nominee or not row.deeds:
        raise ValidationError(_("请填写被推荐人和主要事迹"))
    with transaction.atomic():
        row.save()
        audit.record_change(actor=actor, obj=row, action=AuditEntry.Action.CREATE, verb="nomination.create",
                            after=audit.snapshot(row))  # fmt: skip
    return row


def nomination_review(*, nomination: Nomination, approve: bool, actor: Any, note: str = "") -> Nomination:
    """The street reviews its nominations, then the district decides, each at its own stage."""
    decision = Decision.APPROVED if approve else Decision.REJECTED
    with transaction.atomic():
        locked(nomination)
        campaign = HonourCampaign.objects.get(pk=nomination.campaign_id)  # its stage as it is now
        before = audit.snapshot(nomination)
        if campaign.stage == CampaignStage.STREET_REVIEW:
            require(actor, "change", nomination)
            nomination.street_decision = decision
        elif campaign.stage == CampaignStage.DISTRICT_REVIEW:
            require(actor, "approve", campaign)
            if nomination.street_decision != Decision.APPROVED:
                raise ValidationError(_("街道审核未通过的推荐不能区级审定"))
            nomination.district_decision = decision
        else:
            raise ValidationError(_("当前阶段不能审核"))
        nomination.review_note = (note or "").strip()[:200]
        nomination.save()
        _change(nomination, actor, "nomination.review", before, message=nomination.review_note)
    return nomination


def votes_record(*, nomination: Nomination, votes: int, actor: Any) -> Nomination:
    campaign = HonourCampaign.objects.get(pk=nomination.campaign_id)  # its stage as it is now
    require(actor, "change", campaign)
    if campaign.stage != CampaignStage.VOTING:
        raise ValidationError(_("当前不是投票阶段"))
    if nomination.district_decision != Decision.APPROVED:
        raise ValidationError(_("只有区级审定通过的候选人参加投票"))
    if votes < 0:
        raise ValidationError(_("得票不能为负数"))
    with transaction.atomic():
        locked(nomination)
        before = audit.snapshot(nomination)
        nomination.votes = votes
        nomination.save(update_fields=["votes"])
        _change(nomination, actor, "nomination.votes", before)
    return nomination


def campaign_advance(*, campaign: HonourCampaign, actor: Any) -> HonourCampaign:
    """To the next stage: the district closes the nominations, the streets' review and its own."""
    require(actor, "approve", campaign)
    with transaction.atomic():
        locked(campaign, "stage")
        before = audit.snapshot(campaign)
        following = _NEXT.get(CampaignStage(campaign.stage))
        if following is None or (following == CampaignStage.VOTING and not campaign.vote_required):
            raise ValidationError(_("请直接公布结果"))
        if (
            campaign.stage == CampaignStage.STREET_REVIEW
            and campaign.nominations.filter(street_decision="").exists()
        ):
            raise ValidationError(_("还有推荐未经街道审核"))
        if (
            campaign.stage == CampaignStage.DISTRICT_REVIEW
            and campaign.nominations.filter(street_decision=Decision.APPROVED, district_decision="").exists()
        ):
            raise ValidationError(_("还有推荐未经区级审定"))
        campaign.stage = following
        campaign.save(update_fields=["stage"])
        _change(campaign, actor, "honourcampaign.advance", before)
    return campaign


def campaign_publish(*, campaign: HonourCampaign, actor: Any) -> list[Nomination]:
    """公布: the approved candidates by votes (or in review order without a vote), up to the places."""
    require(actor, "approve", campaign)
    with transaction.atomic():
        locked(campaign, "stage")
        before = audit.snapshot(campaign)
        ready = CampaignStage.VOTING if campaign.vote_required else CampaignStage.DISTRICT_REVIEW
        if campaign.stage != ready:
            raise ValidationError(
                _("须先完成区级审定%(vote)s，才能公布")
                % {"vote": _("和群众投票") if campaign.vote_required else ""}
            )
        approved = list(
            campaign.nominations.filter(district_decision=Decision.APPROVED).order_by("-votes", "id")
        )
        if not approved:
            raise ValidationError(_("没有区级审定通过的候选人"))
        winners = approved[: campaign.places]
        for rank, row in enumerate(winners, 1):
            row.rank = rank
            row.save(update_fields=["rank"])
        campaign.stage, campaign.published_at = CampaignStage.PUBLISHED, timezone.now()
        campaign.save(update_fields=["stage", "published_at"])
        _change(campaign, actor, "honourcampaign.publish", before, message=f"公布 {len(winners)} 名")
    return winners
