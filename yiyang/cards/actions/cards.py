"""优待证: issue one card, issue a community's cards in one statement, void and reissue a card.

Every issue in a community first takes the community's number row (``numbering.reserve``), so
issuers queue there: a single issue and a batch never both give one elder a card, and a number is
never given twice.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.areas.models import Area, AreaLevel
from yiyang.cards import numbering, rules
from yiyang.cards.choices import CardBasis, CardStatus, VoidReason
from yiyang.cards.models import Card, CardRule
from yiyang.core import audit
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people.choices import ElderStatus
from yiyang.people.models import Elder
from yiyang.people.stats import birth_cutoff


def _rule(on: datetime.date) -> CardRule:
    rule = rules.card_rule_on(on)
    if rule is None:
        raise ValidationError(_("%(day)s 没有生效的优待证办理条件") % {"day": on.isoformat()})
    return rule


def _valid_card(elder: Elder) -> Card | None:
    return Card.objects.filter(elder=elder, status=CardStatus.VALID).first()


def card_issue(*, elder: Elder, actor: Any, permit_number: str = "", on: datetime.date | None = None,
               note: str = "") -> Card:  # fmt: skip
    """Issue a card to one elder who qualifies under the rule in force today."""
    day = on or timezone.localdate()
    require(actor, "issue", Card(elder=elder, area_path=elder.area_path))
    prefix = numbering.prefix_of(elder.area_path)
    with transaction.atomic():
        first = numbering.reserve(prefix)  # the community's queue: before any check
        elder = locked(elder)
        current = _valid_card(elder)
        if current is not None:
            raise ValidationError(_("该老人已持有有效优待证：%(number)s") % {"number": current.number})
        rule = _rule(day)
        terms = rules.terms_of_card_rule(rule)
        refusal = rules.card_refusal(
            terms, birth_date=elder.birth_date, hukou_local=elder.hukou_local,
            living=elder.status == ElderStatus.LIVING, permit_number=permit_number, on=day,
        )  # fmt: skip
        if refusal:
            raise ValidationError(refusal)
        basis = rules.card_basis(terms, hukou_local=elder.hukou_local)
        card = Card.objects.create(
            elder=elder, area_path=elder.area_path, number=numbering.format_number(prefix, first), basis=basis,
            permit_number=permit_number.strip() if basis == CardBasis.PERMIT else "", issued_on=day,
            valid_to=rules.card_valid_to(terms, day), rule=rule, note=note,
        )  # fmt: skip
        audit.record_change(actor=actor, obj=card, action=AuditEntry.Action.CREATE, verb="card.issue",
                            after=audit.snapshot(card))  # fmt: skip
    return card


def card_reissue(*, card: Card, reason: str, actor: Any, on: datetime.date | None = None) -> Card:
    """Void a lost, damaged or expiring card and issue its holder a new one with a new number."""
    if reason not in VoidReason.values:
        raise ValidationError(_("请选择补换原因"))
    day = on or timezone.localdate()
    require(actor, "issue", card)
    prefix = numbering.prefix_of(card.elder.area_path)
    seen = card.status
    with transaction.atomic():
        first = numbering.reserve(prefix)
        card = locked(card)
        if card.status != CardStatus.VALID or seen != CardStatus.VALID:
            raise ValidationError(_("只有有效的优待证可以补办或换证"))
        elder = card.elder
        if elder.status != ElderStatus.LIVING:
            raise ValidationError(_("老人已故或已迁出，不能补办优待证"))
        before = audit.snapshot(card)
        card.status, card.void_reason, card.ended_on = CardStatus.VOID, reason, day
        card.save(update_fields=["status", "void_reason", "ended_on", "updated_at"])
        audit.record_change(actor=actor, obj=card, action=AuditEntry.Action.UPDATE, verb="card.void",
                            before=before, after=audit.snapshot(card))  # fmt: skip
        rule = _rule(day)
        new = Card.objects.create(
            elder=elder, area_path=elder.area_path, number=numbering.format_number(prefix, first),
            basis=card.basis, permit_number=card.permit_number, issued_on=day,
            valid_to=rules.card_valid_to(rules.terms_of_card_rule(rule), day), rule=rule, replaces=card,
        )  # fmt: skip
        audit.record_change(actor=actor, obj=new, action=AuditEntry.Action.CREATE, verb="card.reissue",
                            after=audit.snapshot(new), message=card.number)  # fmt: skip
    return new


def _padded(expression: str) -> str:
    width = numbering.SEQUENCE_DIGITS
    if connection.vendor == "postgresql":
        return f"lpad(({expression})::text, {width}, '0')"
    return f"substr('{'0' * width}' || ({expression}), -{width}, {width})"


def _cast(kind: str) -> str:
    """A parameter's type where PostgreSQL cannot infer it (a NULL date in a SELECT list)."""
    return f"::{kind}" if connection.vendor == "postgresql" else ""


def card_issue_batch(*, community: Area, actor: Any, on: datetime.date | None = None) -> int:
    """Issue a card to every elder of a community who qualifies by 户籍 and has none: one
    ``INSERT … SELECT``. Elders who qualify by a residence permit are issued one by one (the permit
    number is not in the registry). Run twice, the second run issues nothing."""
    if community.level != AreaLevel.COMMUNITY:
        raise ValidationError(_("批量发证按社区进行，请选择社区"))
    day = on or timezone.localdate()
    require(actor, "issue", Card(area_path=community.path))
    prefix = numbering.prefix_of(community.path)
    with transaction.atomic():
        numbering.reserve(prefix, 0)  # take the community's queue before reading who has a card
        rule = _rule(day)
        if not rule.hukou_local:
            return 0
        terms = rules.terms_of_card_rule(rule)
        where = (
            "e.area_path LIKE %s AND e.status = %s AND e.hukou_local AND e.birth_date <= %s"
            " AND NOT EXISTS (SELECT 1 FROM cards_card c WHERE c.elder_id = e.id AND c.status = %s)"
        )
        params: list[Any] = [
            f"{community.path}%",
            ElderStatus.LIVING,
            birth_cutoff(day, terms.min_age),
            CardStatus.VALID,
        ]
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM people_elder e WHERE {where}", params)
            count = int(cur.fetchone()[0])
            if not count:
                return 0
            first = numbering.reserve(prefix, count)
            batch = f"{prefix}-{day:%Y%m%d}-{first:06d}"
            now = timezone.now()
            try:
                cur.execute(
                    "INSERT INTO cards_card (created_at, updated_at, elder_id, area_path, number, basis,"
                    " permit_number, issued_on, valid_to, status, void_reason, ended_on, replaces_id, rule_id,"
                    " batch, note)"
                    f" SELECT %s{_cast('timestamptz')}, %s{_cast('timestamptz')}, s.id, s.area_path,"
                    f" %s{_cast('text')} || {_padded('s.rn + %s')}, %s, '', %s{_cast('date')}, %s{_cast('date')}, %s, '',"
                    " NULL, NULL, %s, %s, ''"
                    " FROM (SELECT e.id, e.area_path, row_number() OVER (ORDER BY e.area_path, e.id) - 1 AS rn"
                    f" FROM people_elder e WHERE {where}) s",
                    [now, now, prefix, first, CardBasis.HUKOU, day, rules.card_valid_to(terms, day),
                     CardStatus.VALID, rule.pk, batch, *params],
                )  # fmt: skip
            except IntegrityError as exc:  # pragma: no cover - the queue above prevents it
                raise ValidationError(_("发证冲突，请重试")) from exc
            issued = cur.rowcount
        audit.record_bulk(
            actor=actor, object_type="cards.card", verb="card.issue_batch", area_path=community.path,
            message=f"{community.name}批量发放优待证 {issued} 张（批次 {batch}）",
            after={"batch": batch, "issued": issued},
        )  # fmt: skip
    return issued
