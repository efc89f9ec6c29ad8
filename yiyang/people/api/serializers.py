from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from yiyang.areas.models import Area, AreaLevel
from yiyang.core.cells import CellError, parse_phone
from yiyang.core.idnumber import IdNumberError, parse_id_number
from yiyang.core.scoping import allowed
from yiyang.people.actions import ElderData
from yiyang.people.choices import DisabilityGrade, ElderStatus, LivingSituation
from yiyang.people.models import Certification, Elder, ElderContact


class ElderSerializer(serializers.ModelSerializer):
    """Read form: personal data masked; the clear values only through the reveal endpoint."""

    area = serializers.CharField(source="area.path", read_only=True)
    area_name = serializers.CharField(source="area.name", read_only=True)
    age = serializers.IntegerField(read_only=True)
    categories = serializers.ListField(source="category_list", child=serializers.CharField(), read_only=True)

    class Meta:
        model = Elder
        fields = [
            "id",
            "name",
            "name_pinyin",
            "name_initials",
            "sex",
            "birth_date",
            "age",
            "ethnicity",
            "id_number_masked",
            "phone_masked",
            "address",
            "area",
            "area_name",
            "hukou_local",
            "living_situation",
            "categories",
            "disability_grade",
            "capability_level",
            "status",
            "status_date",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ElderWriteSerializer(serializers.Serializer):
    id_number = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=50)
    area = serializers.CharField(help_text=gettext_lazy("区划代码 of a community or grid in your areas"))
    ethnicity = serializers.CharField(max_length=20, default="汉族")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    hukou_local = serializers.BooleanField(default=True)
    hukou_address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    living_situation = serializers.ChoiceField(LivingSituation.choices, default=LivingSituation.WITH_FAMILY)
    health = serializers.CharField(required=False, allow_blank=True, default="")
    disability_grade = serializers.ChoiceField(DisabilityGrade.choices, required=False, default="")
    status = serializers.ChoiceField(ElderStatus.choices, default=ElderStatus.LIVING)
    status_date = serializers.DateField(required=False, allow_null=True, default=None)
    hukou_date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy("户籍迁入/迁出日期, when hukou_local changes (default: today)"),
    )

    def validate_id_number(self, value: str) -> Any:
        try:
            return parse_id_number(value)
        except IdNumberError as exc:
            raise serializers.ValidationError(exc.message) from exc

    def validate_phone(self, value: str) -> str:
        try:
            return parse_phone(value) or ""
        except CellError as exc:
            raise serializers.ValidationError(exc.message) from exc

    def validate_area(self, value: str) -> Area:
        user = self.context["request"].user
        area = Area.objects.filter(code=value, level__in=[AreaLevel.COMMUNITY, AreaLevel.GRID]).first()
        if area is None or not allowed(user, "add", Elder(area=area, area_path=area.path)):
            raise serializers.ValidationError(_("不是您管辖范围内的社区或网格"))
        return area

    def to_data(self) -> ElderData:
        d = dict(self.validated_data)
        return ElderData(**d)


class ElderStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(ElderStatus.choices)
    date = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=gettext_lazy(
            "Day of the death or move; for a return (living), the day of return (default: today)"
        ),
    )
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(["id_number", "phone", "health"])
    reason = serializers.CharField(min_length=2, max_length=200)


class ScopedElderFieldMixin:
    """The ``elder`` field only knows the caller's elders: a missing id and another street's id
    get the same answer, which never confirms that a record exists."""

    fields: Any
    context: dict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "elder" in self.fields:
            self.fields["elder"].queryset = Elder.objects.for_user(request.user, "change")


class CertificationSerializer(ScopedElderFieldMixin, serializers.ModelSerializer):
    class Meta:
        model = Certification
        fields = ["id", "elder", "category", "valid_from", "valid_to", "certified_by", "document_no", "note"]


class ContactSerializer(ScopedElderFieldMixin, serializers.ModelSerializer):
    phone = serializers.CharField(write_only=True, required=False, allow_blank=True)

    class Meta:
        model = ElderContact
        fields = [
            "id",
            "elder",
            "name",
            "relation",
            "phone",
            "phone_masked",
            "is_emergency",
            "is_keyholder",
            "lives_together",
            "priority",
            "note",
        ]
        read_only_fields = ["phone_masked"]
