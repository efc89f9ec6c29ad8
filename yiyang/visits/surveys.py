"""Needs-survey workflows (摸底调查): handing a round out, an answer sent once, reviewed registry changes.

* ``round_assign`` puts every living elder of the round's area (and saved filter) on the round, with
  the grid's worker, in one ``INSERT … SELECT``; a second run adds nothing.
* ``survey_submit`` stores a worker's answers once per ``client_key`` (the phone's offline queue may
  send a survey twice), turns needs found into work (a service work order, or an extra visit task),
  and turns answers that differ from the registry into *proposals* — never a change to the registry.
* ``proposal_review``: a reviewer accepts (the registry changes through the people module's doors,
  audited) or rejects.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.core import audit, crypto
from yiyang.core import sql as core_sql
from yiyang.core.i18n import records_language, stored
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.people.choices import ElderStatus, LivingSituation
from yiyang.people.models import Elder, ElderContact
from yiyang.visits import survey_rules
from yiyang.visits.choices import (
    FollowUp,
    ProposalStatus,
    QuestionKind,
    RegistryField,
    ResponseStatus,
    RoundStatus,
    TaskKind,
)
from yiyang.visits.generation import worker_map
from yiyang.visits.models import (
    RegistryProposal,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    SurveyRound,
    VisitTask,
)

WORKFLOW = AuditEntry.Action.WORKFLOW
STAGE = "visits_survey_worker_stage"
FOLLOW_UP_DAYS = 7


# -- handing a round out ---------------------------------------------------------------------------------


def population(survey_round: SurveyRound) -> Any:
    """The round's elders: living, in its area, and in its saved filter (the registry's own filter)."""
    elders: Any = Elder.objects.filter(
        status=ElderStatus.LIVING, area_path__startswith=survey_round.area_path
    )
    if survey_round.population_id:
        from yiyang.people.filtersets import ElderFilterSet

        assert survey_round.population is not None
        filterset = ElderFilterSet(QueryDict(survey_round.population.query), queryset=elders)
        elders = filterset.qs if filterset.is_valid() else elders.none()
    return elders.order_by()


def round_assign(*, survey_round: SurveyRound, actor: Any) -> int:
    """派发调查任务: one open response per elder of the population, for the grid's (or community's) worker."""
    require(actor, "change", survey_round)
    sql, params = population(survey_round).values("id", "area_path", "area_id").query.sql_with_params()
    table = SurveyResponse._meta.db_table
    statement = (
        f"INSERT INTO {table} (round_id, elder_id, area_path, assignee_id, status) "
        f"SELECT %s, p.id, p.area_path, w.user_id, %s FROM ({sql}) p LEFT JOIN {STAGE} w ON w.area_id = p.area_id "
        "WHERE 1 = 1 ON CONFLICT (elder_id, round_id) DO NOTHING"
    )
    with transaction.atomic():
        locked(survey_round, "status")
        if survey_round.status != RoundStatus.OPEN:
            raise ValidationError(_("调查已结束，不能再派发"))
        core_sql.create_stage(STAGE, [("area_id", "integer"), ("user_id", "integer")], drop_on_commit=True)
        core_sql.copy_rows(STAGE, ["area_id", "user_id"], worker_map(survey_round.area_path))
        with connection.cursor() as cur:
            cur.execute(statement, [survey_round.pk, ResponseStatus.OPEN, *params])
            added = max(cur.rowcount, 0)
        core_sql.drop_stage(STAGE)
        audit.record_change(
            actor=actor, obj=survey_round, action=WORKFLOW, verb="surveyround.assign",
            message=f"派发调查任务 {added} 户",
        )  # fmt: skip
    return added


def round_close(*, survey_round: SurveyRound, actor: Any) -> SurveyRound:
    require(actor, "change", survey_round)
    with transaction.atomic():
        locked(survey_round, "status")
        if survey_round.status == RoundStatus.CLOSED:
            return survey_round
        before = audit.snapshot(survey_round)
        survey_round.status = RoundStatus.CLOSED
        survey_round.save(update_fields=["status", "updated_at"])
        audit.record_change(actor=actor, obj=survey_round, action=WORKFLOW, verb="surveyround.close",
                            before=before, after=audit.snapshot(survey_round))  # fmt: skip
    return survey_round


# -- answering -------------------------------------------------------------------------------------------


def rule_question(question: SurveyQuestion) -> survey_rules.Question:
    return survey_rules.Question(
        code=question.code, kind=question.kind, options=tuple(question.option_list), required=question.required,
        min_value=question.min_value, max_value=question.max_value, follow_up_when=question.follow_up_when,
    )  # fmt: skip


@dataclass
class Submitted:
    response: SurveyResponse
    new: bool
    proposals: int = 0
    follow_ups: int = 0


def survey_submit(
    *, response: SurveyResponse, answers: dict[str, Any], client_key: str, actor: Any,
    answered_at: datetime.datetime | None = None,
) -> Submitted:  # fmt: skip
    """入户调查登记: the answers of one elder, stored once per ``client_key``.

    The same survey sent again (the phone lost the answer, or its queue replays) finds the stored one
    and changes nothing; a wrong answer is refused with the question it concerns, and nothing is kept.
    """
    key = (client_key or "").strip()
    if not key or len(key) > 64:
        raise ValidationError({"client_key": _("缺少提交编号")})
    existing = SurveyResponse.objects.filter(client_key=key).first()
    if existing is not None:
        if existing.pk != response.pk:
            raise ValidationError({"client_key": _("提交编号已被另一份答卷使用")})
        return Submitted(existing, False)
    if actor is not None and not actor.has_perm("visits.answer_surveyresponse"):
        raise PermissionDenied(_("您没有此操作的权限"))
    require(actor, "view", response)
    questions = list(
        SurveyQuestion.objects.filter(template_id=_round(response).template_id).order_by("position", "id")
    )
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("答案格式无效")})
    cleaned, errors = survey_rules.clean_all([rule_question(q) for q in questions], answers)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            locked(response, "status")
            survey_round = _round(response)
            if survey_round.status != RoundStatus.OPEN:
                raise ValidationError(_("调查已结束"))
            if response.status != ResponseStatus.OPEN:
                raise ValidationError(_("该老人已调查"))
            result = _store(response, questions, cleaned, key, actor, answered_at)
    except IntegrityError:
        stored_response = SurveyResponse.objects.filter(client_key=key).first()
        if stored_response is None:
            raise
        return Submitted(stored_response, False)
    return result


def _round(response: SurveyResponse) -> SurveyRound:
    return SurveyRound.objects.get(pk=response.round_id)


def _store(
    response: SurveyResponse, questions: list[SurveyQuestion], cleaned: dict[str, survey_rules.Cleaned],
    key: str, actor: Any, answered_at: datetime.datetime | None,
) -> Submitted:  # fmt: skip
    now = timezone.now()
    before = audit.snapshot(response)
    rows = [
        SurveyAnswer(response=response, round_id=response.round_id, question=q, elder_id=response.elder_id,
                     area_path=response.area_path, value=value, number=cleaned[q.code].number)
        for q in questions for value in cleaned[q.code].values
    ]  # fmt: skip
    SurveyAnswer.objects.bulk_create(rows)
    response.status = ResponseStatus.DONE
    response.client_key = key
    response.worker = actor if getattr(actor, "is_authenticated", False) else None
    response.answered_at = answered_at or now
    response.recorded_at = now
    response.save(update_fields=["status", "client_key", "worker", "answered_at", "recorded_at"])
    audit.record_change(actor=actor, obj=response, action=WORKFLOW, verb="surveyresponse.answer", before=before,
                        after=audit.snapshot(response),
                        message="；".join(f"{q.text}：{'、'.join(cleaned[q.code].values) or cleaned[q.code].number or ''}"
                                         for q in questions)[:1000])  # fmt: skip
    elder = Elder.objects.get(pk=response.elder_id)
    proposals = follow_ups = 0
    for question in questions:
        answer = cleaned[question.code]
        if question.registry_field and answer.values and _propose(response, elder, question, answer, actor):
            proposals += 1
        if question.follow_up and survey_rules.triggers(rule_question(question), answer):
            follow_ups += _follow_up(response, elder, question, actor)
    return Submitted(response, True, proposals, follow_ups)


def _current(elder: Elder, field: str) -> tuple[str, str]:
    """(clear value, display) of a registry fact."""
    if field == RegistryField.LIVING:
        with records_language():
            return elder.living_situation, str(dict(LivingSituation.choices).get(elder.living_situation, ""))
    if field == RegistryField.PHONE:
        return elder.phone, elder.phone_masked
    contact = ElderContact.objects.filter(elder=elder, is_emergency=True).order_by("priority", "id").first()
    return (contact.phone, contact.phone_masked) if contact else ("", "")


def _propose(response: SurveyResponse, elder: Elder, question: SurveyQuestion, answer: survey_rules.Cleaned,
             actor: Any) -> bool:  # fmt: skip
    """An answer that differs from the registry becomes a proposal (an unreadable one is left as an answer)."""
    text = answer.values[0]
    field = question.registry_field
    if field == RegistryField.LIVING:
        with records_language():
            value = survey_rules.living_code(text, [(c, str(n)) for c, n in LivingSituation.choices])
        display = text
    else:
        value = survey_rules.clean_phone(text)
        display = crypto.mask_phone(value) if value else ""
    if value is None:
        return False
    current, current_display = _current(elder, field)
    if value == current:
        return False
    proposal = RegistryProposal.objects.create(
        elder=elder, area_path=response.area_path, response=response, field=field,
        current_display=current_display[:100], proposed_enc=crypto.encrypt(value), proposed_display=display[:100],
    )  # fmt: skip
    audit.record_change(actor=actor, obj=proposal, action=AuditEntry.Action.CREATE, verb="registryproposal.create",
                        after=audit.snapshot(proposal))  # fmt: skip
    return True


def _follow_up(response: SurveyResponse, elder: Elder, question: SurveyQuestion, actor: Any) -> int:
    """A need found becomes work: a service work order, or one more visit within a week."""
    detail = f"摸底调查发现：{question.text}"
    if question.follow_up == FollowUp.WORK_ORDER:
        if actor is not None and not actor.has_perm("services.add_workorder"):
            return 0  # the answer stays in the results for the community to take in
        from yiyang.services.actions.work_orders import work_order_create
        from yiyang.services.choices import RequestSource
        from yiyang.services.models import ServiceItem

        day = timezone.localdate()
        item = next((i for i in ServiceItem.objects.order_by("category", "code") if i.is_valid_on(day)), None)
        if item is None:
            return 0
        work_order_create(elder=elder, item=item, source=RequestSource.DESK, caller="摸底调查",
                          scheduled_start=timezone.now() + datetime.timedelta(days=1), description=detail[:200],
                          actor=actor)  # fmt: skip
        return 1
    day = timezone.localdate()
    assignee = response.assignee_id or (actor.pk if getattr(actor, "is_authenticated", False) else None)
    task, created = VisitTask.objects.get_or_create(
        elder=elder, period_key=f"S{response.pk}",
        defaults={"area_path": elder.area_path, "kind": TaskKind.EVENT, "window_start": day,
                  "due_date": day + datetime.timedelta(days=FOLLOW_UP_DAYS), "assignee_id": assignee,
                  "reason": stored(detail)[:200]},
    )  # fmt: skip
    if created:
        audit.record_change(actor=actor, obj=task, action=AuditEntry.Action.CREATE, verb="visittask.survey",
                            after=audit.snapshot(task))  # fmt: skip
    return int(created)


# -- reviewing proposed registry changes ------------------------------------------------------------------


def proposal_review(*, proposal: RegistryProposal, accept: bool, note: str, actor: Any) -> RegistryProposal:
    """审核: accept (the registry changes, audited by the people module) or reject (with a reason)."""
    if actor is not None and not actor.has_perm("visits.review_registryproposal"):
        raise PermissionDenied(_("您没有此操作的权限"))
    require(actor, "view", proposal)
    if not accept and not note.strip():
        raise ValidationError({"note": _("驳回须说明原因")})
    with transaction.atomic():
        locked(proposal, "status")
        if proposal.status != ProposalStatus.PENDING:
            raise ValidationError(_("该建议已审核（%(status)s）") % {"status": proposal.get_status_display()})
        elder = Elder.objects.get(pk=proposal.elder_id)
        if accept:
            _apply(proposal, elder, actor)
        before = audit.snapshot(proposal)
        proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
        proposal.reviewer = actor if getattr(actor, "is_authenticated", False) else None
        proposal.reviewed_at = timezone.now()
        proposal.note = note.strip()[:200]
        proposal.save(update_fields=["status", "reviewer", "reviewed_at", "note"])
        audit.record_change(
            actor=actor, obj=proposal, action=WORKFLOW,
            verb="registryproposal.accept" if accept else "registryproposal.reject", before=before,
            after=audit.snapshot(proposal), message=note.strip()[:200],
        )  # fmt: skip
    return proposal


def _apply(proposal: RegistryProposal, elder: Elder, actor: Any) -> None:
    from yiyang.people import actions as people

    value = crypto.decrypt(proposal.proposed_enc)
    reason = f"摸底调查（{proposal.response}）审核采纳"
    if proposal.field == RegistryField.LIVING:
        people.elder_set_living_situation(elder=elder, living_situation=value, actor=actor, reason=reason)
    elif proposal.field == RegistryField.PHONE:
        require(actor, "change", elder)
        locked(elder)
        before = audit.snapshot(elder)
        elder.set_phone(value)
        elder.save(update_fields=["phone_enc", "phone_hash", "phone_masked", "phone_tail", "updated_at"])
        audit.record_change(actor=actor, obj=elder, action=WORKFLOW, verb="elder.phone", before=before,
                            after=audit.snapshot(elder), message=reason)  # fmt: skip
    else:
        contact = (
            ElderContact.objects.filter(elder=elder, is_emergency=True).order_by("priority", "id").first()
        )
        if contact is None:
            contact = ElderContact(
                elder=elder, name=stored(_("紧急联系人")), relation="other", is_emergency=True
            )
        people.contact_save(contact=contact, phone=value, actor=actor)


QUESTION_KINDS_WITH_OPTIONS = (QuestionKind.CHOICE, QuestionKind.MULTI)
