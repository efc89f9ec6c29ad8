from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from yiyang.core import search_tokens
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


class SearchTokenRequestSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, help_text="完整身份证号或电话等查询词")


class SearchTokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="放入 ?q= 的不透明令牌（24 小时内有效）")


@extend_schema(tags=["search"], request=SearchTokenRequestSerializer, responses=SearchTokenSerializer)
class SearchTokenView(APIView):
    """POST a search term (a full ID number or phone), get an opaque token to put in ``?q=`` instead.

    Full identifiers never travel in a URL (web-server logs, the access log): a GET whose ``q`` holds
    one is refused with 400. The pages' search boxes use this endpoint too.
    """

    permission_classes = [IsAuthenticated]

    def post(self, request: Request) -> Response:
        serializer = SearchTokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response({"token": search_tokens.issue(serializer.validated_data["q"].strip())})
