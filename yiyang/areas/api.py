from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from yiyang.areas.models import Area
from yiyang.core.api_permissions import ScopedModelPermissions


class AreaSerializer(serializers.ModelSerializer):
    parent_code: serializers.SlugRelatedField[Area] = serializers.SlugRelatedField(
        source="parent", slug_field="code", read_only=True
    )

    class Meta:
        model = Area
        fields = ["id", "code", "path", "name", "level", "kind", "parent_code", "vintage", "is_active"]


class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AreaSerializer
    permission_classes = [ScopedModelPermissions]
    queryset = Area.objects.select_related("parent")
    filterset_fields = ["level", "parent"]

    def get_queryset(self) -> QuerySet[Area]:
        return Area.objects.for_user(self.request.user).select_related("parent")
