from rest_framework import serializers, viewsets

from yiyang.core.api_permissions import ScopedModelPermissions
from yiyang.core.models import AccessLog, AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        exclude = ["actor"]


class AccessLogSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessLog
        exclude = ["actor"]


class AuditEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """变更日志, within the caller's areas."""

    serializer_class = AuditEntrySerializer
    permission_classes = [ScopedModelPermissions]
    queryset = AuditEntry.objects.all()
    filterset_fields = ["action", "object_type", "object_id", "subject_id", "request_id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return AuditEntry.objects.for_user(self.request.user)


class AccessLogViewSet(viewsets.ReadOnlyModelViewSet):
    """个人信息访问日志, within the caller's areas."""

    serializer_class = AccessLogSerializer
    permission_classes = [ScopedModelPermissions]
    queryset = AccessLog.objects.all()
    filterset_fields = ["kind", "object_type", "subject_id"]

    def get_queryset(self):  # type: ignore[no-untyped-def]
        return AccessLog.objects.for_user(self.request.user)
