"""Choices of the volunteers module: kinds of volunteer (seed 004's five), skills, availability."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteerKind(models.TextChoices):
    """志愿者信息台账的五大类 (seed 004), and 其他 for the rest."""

    PARTY = "party", _("党员")
    STUDENT = "student", _("大学生")
    MEDICAL = "medical", _("医疗")
    LEGAL = "legal", _("法律")
    CULTURE = "culture", _("文体")
    OTHER = "other", _("其他")


class Skill(models.TextChoices):
    COMPANIONSHIP = "companionship", _("陪伴聊天")
    HEALTH = "health", _("健康监测")
    NURSING = "nursing", _("护理照料")
    ESCORT = "escort", _("陪同就医")
    ERRANDS = "errands", _("代购代办")
    CLEANING = "cleaning", _("家政保洁")
    REPAIR = "repair", _("家电维修")
    HAIRCUT = "haircut", _("理发")
    LEGAL = "legal", _("法律咨询")
    COUNSELLING = "counselling", _("心理疏导")
    CULTURE = "culture", _("文体教学")
    DIGITAL = "digital", _("智能手机教学")


class Weekday(models.TextChoices):
    MON = "1", _("周一")
    TUE = "2", _("周二")
    WED = "3", _("周三")
    THU = "4", _("周四")
    FRI = "5", _("周五")
    SAT = "6", _("周六")
    SUN = "7", _("周日")


class DaySlot(models.TextChoices):
    MORNING = "am", _("上午")
    AFTERNOON = "pm", _("下午")
    EVENING = "eve", _("晚上")


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    PAUSED = "paused", _("暂停服务")
    LEFT = "left", _("已退出")


class Willingness(models.TextChoices):
    """老年人才库: what an elder volunteer is willing to do."""

    NONE = "", _("不适用")
    VOLUNTEER = "volunteer", _("志愿服务")
    WORK = "work", _("有偿再就业")
    TEACH = "teach", _("传授技艺")
    ANY = "any", _("均可")


# -- the time bank -------------------------------------------------------------------------------------


class AccountKind(models.TextChoices):
    PERSONAL = "personal", _("个人账户")
    TEAM = "team", _("团体账户")
    ELDER = "elder", _("老人账户")
    POOL = "pool", _("爱心时间池")
    ISSUE = "issue", _("服务时长发放")
    SERVICE = "service", _("服务兑换")


#: Accounts that hold hours for a person or a team: never below zero, never above the cap.
HOLDER_KINDS = (AccountKind.PERSONAL, AccountKind.TEAM, AccountKind.ELDER)
#: One per district: the donation pool and the two system accounts on the other side of earning and spending.
DISTRICT_KINDS = (AccountKind.POOL, AccountKind.ISSUE, AccountKind.SERVICE)


class MovementKind(models.TextChoices):
    EARN = "earn", _("服务存入")
    OVERFLOW = "overflow", _("超出上限转入爱心池")
    TRANSFER = "transfer", _("转赠亲属")
    DONATE = "donate", _("捐赠")
    GRANT = "grant", _("爱心池发放")
    REDEEM = "redeem", _("兑换服务")
    REVERSAL = "reversal", _("冲正")


class Consent(models.TextChoices):
    """How the account holder agreed to a movement a worker or relative made for them."""

    IN_PERSON = "in_person", _("本人到场签字")
    WRITTEN = "written", _("书面委托")
    PHONE = "phone", _("电话确认（录音）")
    WITNESSED = "witnessed", _("网格员见证")


class RedeemMethod(models.TextChoices):
    SERVICE = "service", _("兑换服务")
    CASH = "cash", _("兑换现金")


class Relation(models.TextChoices):
    """The recipient of a transfer, seen from the giver."""

    SPOUSE = "spouse", _("配偶")
    PARENT = "parent", _("父母")
    GRANDPARENT = "grandparent", _("祖父母、外祖父母")


class ServiceStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("服务中")
    CHECKED_OUT = "checked_out", _("待老人确认")
    VERIFIED = "verified", _("已核验")
    REJECTED = "rejected", _("未通过")


class SignoffMethod(models.TextChoices):
    SIGNATURE = "signature", _("老人签字")
    FINGERPRINT = "fingerprint", _("按手印")
    FAMILY = "family", _("家属代签")
    PHONE = "phone", _("电话回访确认")


# -- help requests ----------------------------------------------------------------------------------------


class RequestChannel(models.TextChoices):
    WORKER = "worker", _("社区工作人员登记")
    HOTLINE = "hotline", _("热线来电")
    INTAKE = "intake", _("服务受理转入")
    SELF = "self", _("老人本人或家属")


class RequestStatus(models.TextChoices):
    OPEN = "open", _("待匹配")
    OFFERED = "offered", _("待志愿者确认")
    ACCEPTED = "accepted", _("已接单")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


# -- activities -------------------------------------------------------------------------------------------


class ActivityKind(models.TextChoices):
    RESPECT_MONTH = "respect_month", _("敬老月活动")
    CHONGYANG = "chongyang", _("重阳节活动")
    UNIVERSITY = "university", _("老年大学课程")
    PERFORMANCE = "performance", _("文艺汇演")
    HEALTH_FAIR = "health_fair", _("义诊")
    BIRTHDAY = "birthday", _("集体生日会")
    OTHER = "other", _("其他活动")


# -- honours ------------------------------------------------------------------------------------------------


class HonourKind(models.TextChoices):
    TOP_TEN = "top_ten", _("十佳老人")
    FILIAL = "filial", _("孝星")
    RESPECT_UNIT = "respect_unit", _("敬老文明号")
    CARER = "carer", _("优秀护理员")


class CampaignStage(models.TextChoices):
    NOMINATING = "nominating", _("推荐提名")
    STREET_REVIEW = "street_review", _("街道审核")
    DISTRICT_REVIEW = "district_review", _("区级审定")
    VOTING = "voting", _("群众投票")
    PUBLISHED = "published", _("已公布")


class Decision(models.TextChoices):
    PENDING = "", _("待审核")
    APPROVED = "approved", _("通过")
    REJECTED = "rejected", _("不通过")


# -- neighbour mutual aid (邻里互助结对) ----------------------------------------------------------------


class PairStatus(models.TextChoices):
    ACTIVE = "active", _("结对中")
    ENDED = "ended", _("已解除")


class PairEndReason(models.TextChoices):
    AGREED = "agreed", _("双方协商解除")
    ELDER_LEFT = "elder_left", _("老人去世或迁出")
    VOLUNTEER_LEFT = "volunteer_left", _("志愿者退出")
    MOVED = "moved", _("志愿者搬离")
