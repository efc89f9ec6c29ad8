"""Audit trail and access log, plus the base classes every scoped model builds on."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Protocol

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


class LeasedJob(models.Model):
    """A job row with a lease: while its process works, a heartbeat renews ``heartbeat_at``
    (``core.jobs.lease``); a running job silent for ``STALE_AFTER`` lost its process (killed, or the
    worker restarted) and ``core.jobs.recover_stale`` ends it as failed with that reason.

    Imports and printed documents share this one mechanism."""

    heartbeat_at = models.DateTimeField(_("最近进展"), null=True, blank=True)

    #: a running job that has not beaten for this long was interrupted (its process killed)
    STALE_AFTER = timedelta(seconds=settings.JOB_LEASE_SECONDS)
    #: the status a job whose lease ran out ends in, and the reason it then gives (stored, in Chinese,
    #: like every job message)
    LEASE_LOST_STATUS = "failed"
    LEASE_LOST_MESSAGE = "生成中断：生成过程被中断（进程被终止或重启），请返回原页面重新生成。"

    class Meta:
        abstract = True

    @property
    def is_stale(self) -> bool:
        """Running, but silent for ``STALE_AFTER``: its process died."""
        last = self.heartbeat_at or self.created_at  # type: ignore[attr-defined]
        return self.status == "running" and timezone.now() - last > self.STALE_AFTER  # type: ignore[attr-defined]


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


class ChainHooks(Protocol):
    ACCESS: Any

    def row_mac(self, row: Any) -> str: ...
    def seal_on_commit(self, using: str, ledger: Any = ...) -> None: ...


_chain: ChainHooks | None = None


def register_chain(hooks: ChainHooks) -> None:
    """``core.audit_chain`` registers itself when the app is ready: it builds on these models, so
    they reach it through this hook rather than by importing it."""
    global _chain
    _chain = hooks


def audit_chain() -> ChainHooks:
    if _chain is None:
        raise RuntimeError("core.audit_chain is not registered (CoreConfig.ready)")
    return _chain


class AuditManager(ScopedManager["AuditEntry"]):
    """Bulk inserts get their MACs too, and the chain is sealed when their transaction commits."""

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[AuditEntry]:
        objs = list(objs)
        for obj in objs:
            if not obj.mac:
                obj.mac = audit_chain().row_mac(obj)
        created = super().bulk_create(objs, *args, **kwargs)
        audit_chain().seal_on_commit(self.db)
        return created


class AccessLogManager(ScopedManager["AccessLog"]):
    """Bulk inserts of access-log rows are chained as well."""

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[AccessLog]:
        objs = list(objs)
        for obj in objs:
            if not obj.mac:
                obj.mac = audit_chain().row_mac(obj)
        created = super().bulk_create(objs, *args, **kwargs)
        audit_chain().seal_on_commit(self.db, audit_chain().ACCESS)
        return created


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
    # Tamper evidence (core.audit_chain): ``mac`` is the keyed MAC of the row's content, set when it is
    # written; ``seq`` and ``link`` place it in the chain once committed, each link the MAC of the one
    # before. The database refuses any other UPDATE and every DELETE but the archive's (migration 0005).
    mac = models.CharField(_("校验码"), max_length=80, blank=True, editable=False)
    seq = models.BigIntegerField(_("链序号"), null=True, blank=True, unique=True, editable=False)
    link = models.CharField(_("链校验码"), max_length=80, blank=True, editable=False)

    objects = AuditManager()
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        adding = self._state.adding
        if adding and not self.mac:
            self.mac = audit_chain().row_mac(self)
        super().save(*args, **kwargs)
        if adding:
            audit_chain().seal_on_commit(self._state.db or "default")


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
    # Chained like the audit trail (core.audit_chain.ACCESS): MAC when written, seq and link when sealed;
    # the database refuses UPDATE and DELETE (migration 0007).
    mac = models.CharField(_("校验码"), max_length=80, blank=True, editable=False)
    seq = models.BigIntegerField(_("链序号"), null=True, blank=True, unique=True, editable=False)
    link = models.CharField(_("链校验码"), max_length=80, blank=True, editable=False)

    objects = AccessLogManager()
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

    def save(self, *args: Any, **kwargs: Any) -> None:
        adding = self._state.adding
        if adding and not self.mac:
            self.mac = audit_chain().row_mac(self)
        super().save(*args, **kwargs)
        if adding:
            audit_chain().seal_on_commit(self._state.db or "default", audit_chain().ACCESS)


class AuditArchive(models.Model):
    """审计归档: audit rows older than the retention, moved to a signed file before leaving the table.

    ``last_link`` anchors the chain: the first row left in the table continues from it, so a row
    removed any other way is reported by ``yiyang audit verify``.
    """

    time = models.DateTimeField(_("归档时间"), default=timezone.now)
    cutoff = models.DateTimeField(_("归档截止时间"))
    first_seq = models.BigIntegerField(_("起始链序号"))
    last_seq = models.BigIntegerField(_("截止链序号"), unique=True)
    last_link = models.CharField(_("末行链校验码"), max_length=80)
    row_count = models.IntegerField(_("记录数"))
    filename = models.CharField(_("归档文件"), max_length=255)
    sha256 = models.CharField(_("文件摘要"), max_length=64)

    class Meta:
        verbose_name = _("审计归档")
        verbose_name_plural = _("审计归档")
        ordering = ["-last_seq"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.first_seq}–{self.last_seq})"


class ImportBatch(LeasedJob):
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

    LEASE_LOST_STATUS = Status.CRASHED
    LEASE_LOST_MESSAGE = "处理中断：处理进程已停止（被终止或重启），未写入任何数据。请重新导入。"

    @property
    def is_finished(self) -> bool:
        return self.status not in (self.Status.PENDING, self.Status.RUNNING) or self.is_stale

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


class DocumentJob(LeasedJob):
    """文书生成任务: a printed document too large to produce while its reader waits (a district's 公示
    list runs to a hundred pages). A background job lays it out part by part and reports progress;
    the page offers the file when it is ready. The file holds only what the requester may see: the job
    builds it as that user, and it is kept ``DOCUMENT_RETENTION_DAYS`` days."""

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("生成失败")

    kind = models.CharField(_("文书类型"), max_length=64)
    title = models.CharField(_("文书名称"), max_length=200)
    filename = models.CharField(_("文件名"), max_length=255)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PENDING)
    parts_total = models.IntegerField(_("总部分数"), default=0)
    parts_done = models.IntegerField(_("已生成部分数"), default=0)
    content = models.BinaryField(_("文件内容"), null=True, blank=True, editable=False)
    message = models.TextField(_("说明"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), null=True, on_delete=models.SET_NULL
    )
    area_path = models.CharField(_("范围"), max_length=32)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    objects = ScopedManager()
    scope_path = "area_path"

    class Meta:
        verbose_name = _("文书生成任务")
        verbose_name_plural = _("文书生成任务")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title}"

    @property
    def progress_percent(self) -> int:
        if not self.parts_total:
            return 0 if not self.is_finished else 100
        return min(100, round(100 * self.parts_done / self.parts_total))

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED) or self.is_stale
