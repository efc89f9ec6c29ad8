"""Workflows of 优待证 (``cards``) and 银龄安康 (``insurance``)."""

from yiyang.cards.actions.cards import card_issue, card_issue_batch, card_reissue
from yiyang.cards.actions.insurance import claim_decide, enrolment_generate

__all__ = ["card_issue", "card_issue_batch", "card_reissue", "claim_decide", "enrolment_generate"]
