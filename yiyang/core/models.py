"""Audit trail and access log, plus the base classes every scoped model builds on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yiyang.core.scoping import ScopedManager


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class Membership(models.Model):
    """组织成员: a user's membership of an organisation — a 服务商, a 助餐点, a 养老机构, a 志愿服务队 …

    One mechanism for every kind of organisation: ``organisation_type`` is the organisation model's
    label (``services.provider``) and ``organisation_id`` its key. The organisation axis of
    ``core.scoping`` reads these rows; apps write them through ``scoping.grant_membership`` from an
    audited action. ``User.organisation`` is free text for display; this row is what scoping trusts.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation_type = models.CharField(_("组织类型"), max_length=64)
    organisation_id = models.BigIntegerField(_("组织编号"))
    created_at = models.DateTimeField(_("加入时间"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("组织成员")
        verbose_name_plural = _("组织成员")
        ordering = ["organisation_type", "organisation_id", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation_type", "organisation_id"], name="unique_membership"
            )
        ]
        indexes = [models.Index(fields=["organisation_type", "organisation_id"], name="membership_org_idx")]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation_type}#{self.organisation_id}"


class AuditEntry(models.Model):
    """变更日志: who changed what, before and after, within which area (等保 §8.1.4.3).

    Written explicitly by generic views and actions, never inferred from signals, so that bulk
    operations are recorded too. ``subject_id`` names the elder the change concerns, which is how
    the elder's timeline finds it.
    """

    class Action(models.TextChoices):
        CREATE = "create", _("新增")
        UPDATE = "update", _("修改")
        DELETE = "delete", _("删除")
        IMPORT = "import", _("批量导入")
        WORKFLOW = "workflow", _("业务操作")
        LOGIN = "login", _("登录")

    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    request_id = models.UUIDField(_("请求编号"), db_index=True)
    action = models.CharField(_("类型"), max_length=16, choices=Action.choices)
    verb = models.CharField(_("操作"), max_length=64, help_text="e.g. elder.create, certification.end")
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(pgettext_lazy("audit", "对象"), max_length=200, blank=True)
    subject_id = models.BigIntegerField(_("涉及老人"), null=True, blank=True)
    area_path = models.CharField(_("所属区域"), max_length=32, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    message = models.TextField(_("说明"), blank=True)
    success = models.BooleanField(_("成功"), default=True)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("变更日志")
        verbose_name_plural = _("变更日志")
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["subject_id", "time"]),
            models.Index(fields=["area_path", "time"]),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_name} {self.verb} {self.object_repr}"


class AccessLog(models.Model):
    """个人信息访问日志: who viewed, revealed, exported or printed personal data, and why.

    PIPL Art. 55–56 ask for processing records; 等保 asks for audit of every user. A reveal of a
    masked ID number always carries the reason the user gave.
    """

    class Kind(models.TextChoices):
        VIEW = "view", _("查看")
        REVEAL = "reveal", _("查看明文")
        EXPORT = "export", _("导出")
        PRINT = "print", _("打印")
        IMPORT = "import", _("导入")

    time = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    request_id = models.UUIDField(_("请求编号"), db_index=True)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    object_type = models.CharField(_("对象类型"), max_length=64)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    subject_id = models.BigIntegerField(_("涉及老人"), null=True, blank=True)
    area_path = models.CharField(_("所属区域"), max_length=32, blank=True)
    fields = models.JSONField(_("字段"), default=list, blank=True)
    reason = models.CharField(_("事由"), max_length=500, blank=True)
    row_count = models.IntegerField(_("记录数"), default=1)
    query = models.CharField(_("筛选条件"), max_length=1000, blank=True)
    client_ip = models.CharField(_("来源地址"), max_length=64, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("个人信息访问日志")
        verbose_name_plural = _("个人信息访问日志")
        ordering = ["-time", "-id"]
        indexes = [
            models.Index(fields=["subject_id", "time"]),
            models.Index(fields=["area_path", "time"]),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.actor_name} {self.get_kind_display()} {self.object_type}"


class ImportBatch(models.Model):
    """导入批次: one uploaded spreadsheet, its validation result and what applying it changed.

    The file is kept so that the annotated error copy can be produced and the import can be traced
    later; ``progress`` lets the page show a bar while a background job works through a large file.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("处理中")
        INVALID = "invalid", _("有错误，未导入")
        CHECKED = "checked", _("试导入通过")
        APPLIED = "applied", _("已导入")
        CRASHED = "crashed", _("处理失败")

    kind = models.CharField(_("导入类型"), max_length=64)
    filename = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    annotated_file = models.FileField(_("错误标注文件"), upload_to="imports/%Y/%m/", blank=True)
    dry_run = models.BooleanField(_("试导入"), default=False)
    skip_invalid = models.BooleanField(_("跳过错误行"), default=False)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    total_rows = models.IntegerField(_("总行数"), default=0)
    processed_rows = models.IntegerField(pgettext_lazy("import count", "已处理"), default=0)
    created = models.IntegerField(_("新增"), default=0)
    updated = models.IntegerField(_("更新"), default=0)
    unchanged = models.IntegerField(_("未变化"), default=0)
    rejected = models.IntegerField(_("错误行"), default=0)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    notices = models.JSONField(_("提示"), default=list, blank=True)
    message = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, on_delete=models.SET_NULL
    )
    actor_name = models.CharField(_("导入人姓名"), max_length=150, blank=True)
    area_path = models.CharField(_("导入范围"), max_length=32)
    target_path = models.CharField(
        _("导入到"),
        max_length=32,
        blank=True,
        help_text=_("上传人选定的社区或街道：文件可以没有“社区”列"),
    )
    request_id = models.UUIDField(_("请求编号"), db_index=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.filename}"

    @property
    def progress_percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status in (self.Status.PENDING, self.Status.RUNNING) else 100
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.PENDING, self.Status.RUNNING)

    def summary(self) -> dict[str, object]:
        """The shape ``yiyang import … --json`` prints."""
        return {
            "rows": self.total_rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "applied": self.status == self.Status.APPLIED,
            "status": self.status,
            "errors": self.errors,
        }
