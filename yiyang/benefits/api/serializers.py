from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from yiyang.benefits.choices import CheckChannel
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


class ProgrammeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Programme
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "start_rule",
            "requires_local_hukou",
            "requires_qualification_check",
            "active",
        ]


class RateRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = RateRule
        fields = [
            "id",
            "programme",
            "age_from",
            "age_to",
            "category",
            "level",
            "amount",
            "valid_from",
            "valid_to",
            "note",
        ]


class RateChangeSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0)
    valid_from = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PaymentRollSerializer(serializers.ModelSerializer):
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    area_code = serializers.CharField(source="area.code", read_only=True)

    class Meta:
        model = PaymentRoll
        fields = [
            "id",
            "programme",
            "programme_name",
            "area",
            "area_code",
            "month",
            "status",
            "line_count",
            "total_amount",
            "counts",
            "rates_used",
            "generated_at",
            "generation_seconds",
            "rechecked_at",
            "recheck_summary",
            "approved_at",
            "published_at",
        ]


class RollGenerateSerializer(serializers.Serializer):
    programme = serializers.CharField(help_text=_("项目代码或名称"))
    area = serializers.CharField(help_text=_("街道或区县代码"))
    month = serializers.CharField(help_text="2026-12")


class RollReviewSerializer(serializers.Serializer):
    street = serializers.CharField(help_text=_("街道代码"))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RollReviewStreetsSerializer(serializers.Serializer):
    streets = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text=_("街道代码；空 = 本人可审核的全部街道"),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RollReviewStreetsResultSerializer(serializers.Serializer):
    roll = PaymentRollSerializer()
    reviewed = serializers.ListField(child=serializers.CharField(), help_text=_("本次审核的街道代码"))
    held = serializers.ListField(child=serializers.CharField(), help_text=_("仍有复核标记、未审核的街道代码"))


class RollApproveSerializer(serializers.Serializer):
    confirm_over_budget = serializers.BooleanField(required=False, default=False)


class RollLineSerializer(serializers.ModelSerializer):
    elder_name = serializers.CharField(source="elder.name", read_only=True)
    id_number_masked = serializers.CharField(source="elder.id_number_masked", read_only=True)

    class Meta:
        model = RollLine
        fields = [
            "id",
            "roll",
            "programme",
            "month",
            "elder",
            "elder_name",
            "id_number_masked",
            "base_amount",
            "arrears_amount",
            "amount",
            "prev_amount",
            "months_covered",
            "change_type",
            "reason",
            "fact_basis",
            "fact_age",
            "fact_categories",
            "fact_level",
            "fact_hukou_local",
            "fact_status",
            "area_path",
            "flagged",
            "flag_reason",
            "excluded",
        ]


class RecoverySerializer(serializers.ModelSerializer):
    outstanding = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Recovery
        fields = [
            "id",
            "elder",
            "programme",
            "stop_month",
            "months",
            "owed",
            "repaid",
            "waived",
            "outstanding",
            "status",
            "waiver_reason",
            "area_path",
            "created_at",
        ]


class AmountSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class WaiverRequestSerializer(serializers.Serializer):
    reason = serializers.CharField()


class DecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()


class SuspensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Suspension
        fields = [
            "id",
            "elder",
            "programme",
            "reason",
            "from_month",
            "resumed_month",
            "pays_arrears",
            "notice",
        ]


class QualificationCheckSerializer(serializers.ModelSerializer):
    channel = serializers.ChoiceField(choices=CheckChannel.choices)

    class Meta:
        model = QualificationCheck
        fields = ["id", "elder", "certified_on", "channel", "valid_to", "note"]
        read_only_fields = ["valid_to"]


class ElderBankAccountSerializer(serializers.ModelSerializer):
    class Meta:
        model = ElderBankAccount
        fields = ["id", "elder", "bank_name", "holder_name", "account_masked"]


class BudgetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Budget
        fields = ["id", "programme", "area", "area_path", "year", "amount"]
        read_only_fields = ["area_path"]


class LifeEventBatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = LifeEventBatch
        fields = ["id", "kind", "source", "filename", "total_rows", "counts", "seconds", "created_at"]
