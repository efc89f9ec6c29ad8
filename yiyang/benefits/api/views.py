"""/api/v1/benefits/…: the same scoping, permissions and actions as the pages; workflows are POST verbs."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from yiyang.areas.models import Area
from yiyang.benefits import actions
from yiyang.benefits.api import serializers as s
from yiyang.benefits.dates import parse_month
from yiyang.benefits.filtersets import PaymentRollFilterSet, RecoveryFilterSet, RollLineFilterSet
from yiyang.benefits.models import (
    Budget,
    ElderBankAccount,
    LifeEventBatch,
    PaymentRoll,
    Programme,
    QualificationCheck,
    RateRule,
    Recovery,
    RollLine,
    Suspension,
)
from yiyang.core.api import ScopedReadOnlyViewSet, ScopedViewSet


class _VerbScopeMixin:
    """Workflow verbs look the object up with the view scope; the action checks its own permission."""

    @property
    def scope_action(self) -> str | None:
        name = getattr(self, "action", None)
        if name in ("list", "retrieve", "create", "update", "partial_update", "destroy", None):
            return None
        return "view"


class _ReadOnlyScoped(ScopedReadOnlyViewSet):
    http_method_names = ["get", "head", "options"]


class ProgrammeViewSet(ScopedReadOnlyViewSet):
    """补贴项目 (district rules, not area-bound)."""

    queryset = Programme.objects.all()
    serializer_class = s.ProgrammeSerializer


class RateRuleViewSet(ScopedReadOnlyViewSet):
    """发放标准 with effective dates. ``POST …/{id}/change/`` closes a rule and opens a new one."""

    queryset = RateRule.objects.select_related("programme")
    serializer_class = s.RateRuleSerializer
    filterset_fields = ["programme"]

    @property
    def scope_action(self) -> str | None:
        return "change" if self.action == "change" else None

    @extend_schema(request=s.RateChangeSerializer, responses=s.RateRuleSerializer)
    @action(detail=True, methods=["post"])
    def change(self, request: Request, pk: str | None = None) -> Response:
        rule = self.get_object()
        ser = s.RateChangeSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        new = actions.rate_change(rule=rule, actor=request.user, **ser.validated_data)
        return Response(s.RateRuleSerializer(new).data, status=status.HTTP_201_CREATED)


class PaymentRollViewSet(_VerbScopeMixin, _ReadOnlyScoped):
    """发放花名册. ``POST generate/``, ``POST {id}/recheck|review|review-streets|approve|publish/``."""

    queryset = PaymentRoll.objects.select_related("programme", "area")
    serializer_class = s.PaymentRollSerializer
    filterset_class = PaymentRollFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def _call(self, fn: Any, **kwargs: Any) -> Response:
        roll = fn(**kwargs, actor=self.request.user)
        return Response(s.PaymentRollSerializer(roll).data)

    @extend_schema(request=s.RollGenerateSerializer, responses=s.PaymentRollSerializer)
    @action(detail=False, methods=["post"])
    def generate(self, request: Request) -> Response:
        if not request.user.has_perm("benefits.add_paymentroll"):
            raise PermissionDenied
        ser = s.RollGenerateSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        programme = Programme.objects.filter(Q(code=data["programme"]) | Q(name=data["programme"])).first()
        area = Area.objects.filter(code=data["area"]).first()
        if programme is None or area is None:
            raise ValidationError(_("项目或区域不存在"))
        try:
            month = parse_month(data["month"])
        except ValueError as exc:
            raise ValidationError({"month": str(exc)}) from exc
        return self._call(actions.payment_roll_generate, programme=programme, area=area, month=month)

    @extend_schema(request=None, responses=s.PaymentRollSerializer)
    @action(detail=True, methods=["post"])
    def recheck(self, request: Request, pk: str | None = None) -> Response:
        return self._call(actions.payment_roll_recheck, roll=self.get_object())

    @extend_schema(request=s.RollReviewSerializer, responses=s.PaymentRollSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str | None = None) -> Response:
        roll = self.get_object()
        ser = s.RollReviewSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        street = Area.objects.filter(code=ser.validated_data["street"]).first()
        if street is None:
            raise ValidationError({"street": _("街道不存在")})
        return self._call(
            actions.payment_roll_review, roll=roll, street=street, note=ser.validated_data["note"]
        )

    @extend_schema(request=s.RollReviewStreetsSerializer, responses=s.RollReviewStreetsResultSerializer)
    @action(detail=True, methods=["post"], url_path="review-streets")
    def review_streets(self, request: Request, pk: str | None = None) -> Response:
        """批量审核: every street of the roll the caller may review (or the codes given), at once."""
        roll = self.get_object()
        ser = s.RollReviewStreetsSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        codes = ser.validated_data["streets"]
        streets = None
        if codes:
            streets = list(Area.objects.filter(code__in=codes))
            if len(streets) != len(set(codes)):
                raise ValidationError({"streets": _("街道不存在")})
        result = actions.payment_roll_review_streets(
            roll=roll, actor=request.user, streets=streets, note=ser.validated_data["note"]
        )
        return Response(
            {
                "roll": s.PaymentRollSerializer(result.roll).data,
                "reviewed": [a.code for a in result.reviewed],
                "held": [a.code for a, _n in result.held],
            }
        )

    @extend_schema(request=s.RollApproveSerializer, responses=s.PaymentRollSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str | None = None) -> Response:
        roll = self.get_object()
        ser = s.RollApproveSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._call(
            actions.payment_roll_approve,
            roll=roll,
            confirm_over_budget=ser.validated_data["confirm_over_budget"],
        )

    @extend_schema(request=None, responses=s.PaymentRollSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str | None = None) -> Response:
        return self._call(actions.payment_roll_publish, roll=self.get_object())


class RollLineViewSet(_ReadOnlyScoped):
    """花名册明细 (filter by ``roll``, ``elder``, ``month``, ``change_type``, ``flagged``)."""

    queryset = RollLine.objects.select_related("elder")
    serializer_class = s.RollLineSerializer
    filterset_class = RollLineFilterSet


class RecoveryViewSet(_VerbScopeMixin, _ReadOnlyScoped):
    """追回台账. ``POST {id}/repay/``, ``{id}/request-waiver/``, ``{id}/decide-waiver/``."""

    queryset = Recovery.objects.all()
    serializer_class = s.RecoverySerializer
    filterset_class = RecoveryFilterSet
    http_method_names = ["get", "post", "head", "options"]

    def _call(self, fn: Any, **kwargs: Any) -> Response:
        obj = fn(recovery=self.get_object(), actor=self.request.user, **kwargs)
        return Response(s.RecoverySerializer(obj).data)

    @extend_schema(request=s.AmountSerializer, responses=s.RecoverySerializer)
    @action(detail=True, methods=["post"])
    def repay(self, request: Request, pk: str | None = None) -> Response:
        ser = s.AmountSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._call(actions.recovery_repay, **ser.validated_data)

    @extend_schema(request=s.WaiverRequestSerializer, responses=s.RecoverySerializer)
    @action(detail=True, methods=["post"], url_path="request-waiver")
    def request_waiver(self, request: Request, pk: str | None = None) -> Response:
        ser = s.WaiverRequestSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._call(actions.recovery_request_waiver, reason=ser.validated_data["reason"])

    @extend_schema(request=s.DecisionSerializer, responses=s.RecoverySerializer)
    @action(detail=True, methods=["post"], url_path="decide-waiver")
    def decide_waiver(self, request: Request, pk: str | None = None) -> Response:
        ser = s.DecisionSerializer(data=request.data)
        ser.is_valid(raise_exception=True)
        return self._call(actions.recovery_decide_waiver, approve=ser.validated_data["approve"])


class SuspensionViewSet(_ReadOnlyScoped):
    queryset = Suspension.objects.all()
    serializer_class = s.SuspensionSerializer
    filterset_fields = ["elder", "reason"]


class QualificationCheckViewSet(ScopedViewSet):
    """资格认证. ``POST`` records a check (and lifts a suspension for a lapsed one)."""

    queryset = QualificationCheck.objects.all()
    serializer_class = s.QualificationCheckSerializer
    filterset_fields = ["elder"]
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        ser = self.get_serializer(data=request.data)  # an elder out of reach is an unknown id
        ser.is_valid(raise_exception=True)
        data = ser.validated_data
        check = actions.qualification_certify(
            elder=data["elder"],
            certified_on=data["certified_on"],
            channel=data["channel"],
            note=data.get("note", ""),
            actor=request.user,
        )
        return Response(s.QualificationCheckSerializer(check).data, status=status.HTTP_201_CREATED)


class ElderBankAccountViewSet(_ReadOnlyScoped):
    """代发账户, masked (the clear number only ever appears inside the bank payment file)."""

    queryset = ElderBankAccount.objects.all()
    serializer_class = s.ElderBankAccountSerializer
    filterset_fields = ["elder"]


class BudgetViewSet(ScopedViewSet):
    queryset = Budget.objects.all()
    serializer_class = s.BudgetSerializer
    filterset_fields = ["year", "programme"]
    http_method_names = ["get", "post", "put", "head", "options"]


class LifeEventBatchViewSet(_VerbScopeMixin, _ReadOnlyScoped, mixins.ListModelMixin):
    """死亡/迁出名单 (upload through the page). ``POST {id}/apply/`` registers matched and confirmed rows."""

    queryset = LifeEventBatch.objects.all()
    serializer_class = s.LifeEventBatchSerializer
    http_method_names = ["get", "post", "head", "options"]

    @extend_schema(request=None, responses=dict)
    @action(detail=True, methods=["post"])
    def apply(self, request: Request, pk: str | None = None) -> Response:
        result = actions.life_event_batch_apply(batch=self.get_object(), actor=request.user)
        return Response(result)
