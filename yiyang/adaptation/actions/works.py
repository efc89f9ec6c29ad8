"""The works and after: photos, completion, acceptance (devices into safety's registry), payment to the
contractor and the use check 3–6 months later."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiyang.adaptation.actions.common import expect, record
from yiyang.adaptation.choices import ACCEPTED_STATES, Acceptor, PhotoStage, Status, UseResult
from yiyang.adaptation.models import Photo, PlanLine, Project, use_check_window
from yiyang.core import audit
from yiyang.core.i18n import stored
from yiyang.core.scoping import require
from yiyang.core.workflow import locked
from yiyang.safety.actions import device_save
from yiyang.safety.models import Device

MAX_PHOTO_BYTES = 8_000_000
_MAGIC = {b"\xff\xd8\xff": ".jpg", b"\x89PNG": ".png"}


def _photo_ext(content: bytes) -> str:
    for magic, ext in _MAGIC.items():
        if content.startswith(magic):
            return ext
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return ".webp"
    if content[4:8] == b"ftyp":
        return ".heic"
    raise ValidationError({"photo": _("只能上传 JPEG、PNG、WebP 或 HEIC 照片")})


def project_add_photo(*, project: Project, stage: str, content: bytes, actor: Any) -> Photo:
    """施工照片: before photos while the works are under way, after photos until they are reported
    done. The same picture uploaded twice is kept once; a picture already used on another household's
    works is refused."""
    require(actor, "works", project)
    if stage not in PhotoStage.values:
        raise ValidationError({"stage": _("请选择施工前或施工后")})
    if not content or len(content) > MAX_PHOTO_BYTES:
        raise ValidationError({"photo": _("照片为空或超过 8 MB")})
    ext = _photo_ext(content)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        locked(project)
        expect(project, Status.ASSIGNED)
        same = Photo.objects.filter(project=project, sha256=digest).first()
        if same is not None:
            return same
        other = Photo.objects.filter(sha256=digest).exclude(project=project).select_related("project").first()
        if other is not None:
            raise ValidationError(
                {"photo": _("这张照片已用于项目 %(number)s，不能重复使用") % {"number": other.project.number}}
            )
        photo = Photo(project=project, stage=stage, sha256=digest, uploaded_by=actor)
        photo.image.save(f"project-{project.pk}-{digest[:12]}{ext}", ContentFile(content), save=False)
        photo.save()
        record(project, "photo", f"上传{stored(PhotoStage(stage).label)}照片 {digest[:12]}", actor)
    return photo


@transaction.atomic
def project_finish_works(
    *, project: Project, finished_on: datetime.date, serials: dict[int, str], actor: Any
) -> Project:
    """完工: with before and after photos, and the serial of every device installed."""
    require(actor, "works", project)
    locked(project, "status")
    expect(project, Status.ASSIGNED)
    if finished_on > timezone.localdate():
        raise ValidationError({"finished_on": _("完工日期不能晚于今天")})
    if project.assigned_at and finished_on < timezone.localtime(project.assigned_at).date():
        raise ValidationError({"finished_on": _("完工日期不能早于指派日期")})
    stages = set(Photo.objects.filter(project=project).values_list("stage", flat=True))
    missing = [PhotoStage(s).label for s in (PhotoStage.BEFORE, PhotoStage.AFTER) if s not in stages]
    if missing:
        raise ValidationError(
            _("缺少%(stages)s照片，请先上传") % {"stages": "、".join(str(m) for m in missing)}
        )
    lines = list(PlanLine.objects.filter(project=project).select_related("item"))
    changed = []
    for line in lines:
        if not line.item.device_kind:
            continue
        serial = (serials.get(line.pk) or line.device_serial or "").strip()
        if not serial:
            raise ValidationError(_("请填写“%(item)s”的设备序列号") % {"item": line.item.name})
        taken = Device.objects.filter(serial=serial).exclude(elder_id=project.elder_id).exists()
        if taken:
            raise ValidationError(_("设备序列号 %(serial)s 已登记在其他老人名下") % {"serial": serial})
        line.device_serial = serial
        changed.append(line)
    PlanLine.objects.bulk_update(changed, ["device_serial"])
    before = audit.snapshot(project)
    project.status, project.works_finished_on = Status.WORKS_DONE, finished_on
    project.save()
    record(project, "finish", f"完工，待验收（{finished_on:%Y-%m-%d}）", actor, before)
    return project


@transaction.atomic
def project_accept(
    *, project: Project, elder_signed: bool, acceptor: str, acceptor_name: str, accepted_on: datetime.date,
    note: str, actor: Any,
) -> Project:  # fmt: skip
    """验收: the elder confirms by signing, the street or a third party accepts. The devices of the
    plan go into safety's device registry; the use check falls due 3 months later."""
    require(actor, "accept", project)
    locked(project, "status")
    expect(project, Status.WORKS_DONE)
    if not elder_signed:
        raise ValidationError({"elder_signed": _("验收须有老人（或家属）签字确认")})
    if acceptor not in Acceptor.values:
        raise ValidationError({"acceptor": _("请选择验收方")})
    if acceptor == Acceptor.THIRD_PARTY and not acceptor_name.strip():
        raise ValidationError({"acceptor_name": _("第三方验收须填写验收机构")})
    if accepted_on > timezone.localdate():
        raise ValidationError({"accepted_on": _("验收日期不能晚于今天")})
    if project.works_finished_on and accepted_on < project.works_finished_on:
        raise ValidationError({"accepted_on": _("验收日期不能早于完工日期")})
    before = audit.snapshot(project)
    project.status, project.elder_signed, project.acceptor = Status.ACCEPTED, True, acceptor
    project.acceptor_name, project.accepted_on, project.acceptance_note = (
        acceptor_name.strip(),
        accepted_on,
        note.strip(),
    )
    project.use_check_from, project.use_check_to = use_check_window(accepted_on)
    project.save()
    installed = _install_devices(project, actor)
    record(
        project,
        "accept",
        f"验收通过（{stored(Acceptor(acceptor).label)}），登记设备 {installed} 台",
        actor,
        before,
    )
    return project


def _install_devices(project: Project, actor: Any) -> int:
    """Each device line becomes a safety device (once: a device already registered is left alone)."""
    contractor = project.contractor.name if project.contractor_id else ""  # type: ignore[union-attr]
    count = 0
    for line in PlanLine.objects.filter(project=project).exclude(item__device_kind="").select_related("item"):
        if Device.objects.filter(serial=line.device_serial).exists():
            continue
        device = Device(
            serial=line.device_serial, kind=line.item.device_kind, elder_id=project.elder_id,
            installer=contractor[:100], installed_on=project.works_finished_on or project.accepted_on or timezone.localdate(),
            note=f"适老化改造 {project.number}",
        )  # fmt: skip
        device_save(device=device, actor=actor)
        count += 1
    return count


@transaction.atomic
def project_pay(
    *, project: Project, amount: Decimal, paid_on: datetime.date, reference: str, actor: Any
) -> Project:
    """付款: to the contractor, only after acceptance, never above the cap or the accepted plan."""
    require(actor, "pay", project)
    locked(project, "status")
    if project.status == Status.PAID:
        raise ValidationError(
            _("该项目已于 %(day)s 付款，不能重复付款") % {"day": f"{project.paid_on:%Y-%m-%d}"}
        )
    if project.status != Status.ACCEPTED:
        raise ValidationError(
            _("该项目尚未验收（当前：%(status)s），验收合格后才能付款")
            % {"status": Status(project.status).label}
        )
    if amount <= 0:
        raise ValidationError({"amount": _("付款金额须大于零")})
    if amount > project.cap:
        raise ValidationError(
            {"amount": _("付款金额 %(amount)s 元超过每户补助上限 %(cap)s 元")
             % {"amount": f"{amount:,.2f}", "cap": f"{project.cap:,.2f}"}}
        )  # fmt: skip
    if amount > project.plan_total:
        raise ValidationError(
            {"amount": _("付款金额 %(amount)s 元超过验收的方案金额 %(total)s 元")
             % {"amount": f"{amount:,.2f}", "total": f"{project.plan_total:,.2f}"}}
        )  # fmt: skip
    if paid_on > timezone.localdate():
        raise ValidationError({"paid_on": _("付款日期不能晚于今天")})
    if project.accepted_on and paid_on < project.accepted_on:
        raise ValidationError({"paid_on": _("付款日期不能早于验收日期")})
    before = audit.snapshot(project)
    project.status, project.paid_amount, project.paid_on = Status.PAID, amount, paid_on
    project.payment_ref = reference.strip()
    project.save()
    record(project, "pay", f"向施工单位付款 {amount:.2f} 元", actor, before)
    return project


@transaction.atomic
def project_use_check(
    *, project: Project, checked_on: datetime.date, result: str, note: str, actor: Any
) -> Project:
    """使用回访: 3 to 6 months after acceptance, whether the adaptations are in use."""
    require(actor, "check", project)
    locked(project, "status")
    expect(project, *ACCEPTED_STATES)
    if project.use_checked_on is not None:
        raise ValidationError(_("该项目已于 %(day)s 回访") % {"day": f"{project.use_checked_on:%Y-%m-%d}"})
    if result not in UseResult.values:
        raise ValidationError({"result": _("请选择使用情况")})
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": _("回访日期不能晚于今天")})
    if project.use_check_from and checked_on < project.use_check_from:
        raise ValidationError(
            {"checked_on": _("使用回访须在验收 3 个月后（%(day)s 起）") % {"day": f"{project.use_check_from:%Y-%m-%d}"}}
        )  # fmt: skip
    before = audit.snapshot(project)
    project.use_checked_on, project.use_result, project.use_note = checked_on, result, note.strip()
    project.save()
    record(project, "use_check", f"使用回访：{stored(UseResult(result).label)}", actor, before)
    return project
