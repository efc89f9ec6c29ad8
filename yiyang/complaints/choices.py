"""Fixed vocabularies of complaints and petitions (the deadlines and the calendar are tables)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("12349热线")
    DESK = "desk", _("社区窗口")
    ONLINE = "online", _("网上投诉")
    LETTER = "letter", _("来信")
    VISIT = "visit", _("来访")
    TRANSFER_12345 = "12345", _("12345转办")


class Category(models.TextChoices):
    SERVICE_QUALITY = "service", _("服务质量")
    ALLOWANCE = "allowance", _("补贴待遇")
    INSTITUTION = "institution", _("养老机构")
    NEGLECT_ABUSE = "neglect", _("疏于照料或虐待")
    RIGHTS = "rights", _("权益侵害")
    POLICY = "policy", _("政策咨询")
    OTHER = "other", _("其他")


#: Categories that put an elder in danger: acted on the same day, whatever the channel.
URGENT_CATEGORIES = (Category.NEGLECT_ABUSE,)


class Relation(models.TextChoices):
    SELF = "self", _("老人本人")
    FAMILY = "family", _("家属")
    NEIGHBOUR = "neighbour", _("邻居或知情人")
    ANONYMOUS = "anonymous", _("匿名")
    OTHER = "other", _("其他")


class Status(models.TextChoices):
    NEW = "new", _("待交办")
    ASSIGNED = "assigned", _("办理中")
    REPLIED = "replied", _("待回访")
    CLOSED = "closed", _("已办结")


OPEN_STATUSES = (Status.NEW, Status.ASSIGNED)
#: A case the unit still has to answer: these run against the deadline.
UNANSWERED = (Status.NEW, Status.ASSIGNED)


class UnitKind(models.TextChoices):
    STREET = "street", _("街道")
    COMMUNITY = "community", _("社区")
    PROVIDER = "provider", _("服务商")
    INSTITUTION = "institution", _("养老机构")
    DEPARTMENT = "department", _("部门")


class Finding(models.TextChoices):
    UPHELD = "upheld", _("属实")
    PARTLY = "partly", _("部分属实")
    NOT_UPHELD = "not_upheld", _("不属实")
    ADVICE = "advice", _("咨询已解答")


#: Findings that count against the unit complained about (scorecards).
UPHELD_FINDINGS = (Finding.UPHELD, Finding.PARTLY)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")
    UNREACHED = "unreached", _("未联系上")


SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASIC)


class ExtensionStatus(models.TextChoices):
    NONE = "", _("无")
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class EventKind(models.TextChoices):
    INTAKE = "intake", _("登记")
    ASSIGN = "assign", _("交办")
    TRANSFER = "transfer", _("转办")
    REMIND = "remind", _("临期提醒")
    ESCALATE = "escalate", _("超期督办")
    EXTEND_REQUEST = "extend_request", _("申请延期")
    EXTEND_APPROVE = "extend_approve", _("批准延期")
    EXTEND_REFUSE = "extend_refuse", _("不批准延期")
    REPLY = "reply", _("答复")
    RETURN_CALL = "return_call", _("回访")
    REOPEN = "reopen", _("重新办理")
    CLOSE = "close", _("办结")
    IMPORT = "import", _("导入更新")
    REFERRAL = "referral", _("维权转介")


class DueUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("工作日")
    CALENDAR_DAYS = "days", _("自然日")
    HOURS = "hours", _("小时")


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("放假")
    WORKDAY = "workday", _("调休上班")


class ScoreSource(models.TextChoices):
    """What a scorecard rule counts: a kind of event, the base score, or a credit-list threshold."""

    BASE = "base", _("基础分")
    COMPLAINT_UPHELD = "complaint_upheld", _("投诉属实")
    COMPLAINT_PARTLY = "complaint_partly", _("投诉部分属实")
    CASE_LATE = "case_late", _("投诉超期办结")
    VISIT_MISSED = "visit_missed", _("漏服务")
    VISIT_LATE = "visit_late", _("服务迟到")
    SERVICE_EXCEPTION = "exception", _("其他服务异常")
    CALLBACK_DISSATISFIED = "callback_bad", _("回访不满意或有投诉")
    RATING_LOW = "rating_low", _("服务评价低于3星")
    # Institutions (养老机构): upheld complaints against the home, inspection findings by severity, a
    # rectification deadline missed or kept, incidents that harmed a resident.
    HOME_UPHELD = "home_upheld", _("机构投诉属实")
    HOME_PARTLY = "home_partly", _("机构投诉部分属实")
    FINDING_GENERAL = "finding_general", _("检查发现一般问题")
    FINDING_MAJOR = "finding_major", _("检查发现较重问题")
    FINDING_SERIOUS = "finding_serious", _("检查发现严重问题")
    FINDING_OVERDUE = "finding_overdue", _("逾期未整改")
    FINDING_FIXED = "finding_fixed", _("按期整改并复查通过")
    INCIDENT_HARM = "incident_harm", _("安全事件致轻微伤害")
    INCIDENT_SERIOUS = "incident_serious", _("安全事件致严重伤害或死亡")
    RED_MIN = "red_min", _("红榜最低分")
    BLACK_BELOW = "black_below", _("黑榜分数线")


#: Sources that are thresholds or the base, not events.
SCORE_SETTINGS = (ScoreSource.BASE, ScoreSource.RED_MIN, ScoreSource.BLACK_BELOW)
#: Sources that score an institution (the base and the thresholds are shared with the providers').
INSTITUTION_SOURCES = (
    ScoreSource.HOME_UPHELD, ScoreSource.HOME_PARTLY, ScoreSource.FINDING_GENERAL, ScoreSource.FINDING_MAJOR,
    ScoreSource.FINDING_SERIOUS, ScoreSource.FINDING_OVERDUE, ScoreSource.FINDING_FIXED,
    ScoreSource.INCIDENT_HARM, ScoreSource.INCIDENT_SERIOUS,
)  # fmt: skip


class CreditList(models.TextChoices):
    RED = "red", _("红榜")
    NONE = "", _("—")
    BLACK = "black", _("黑榜")


class ReferralKind(models.TextChoices):
    LEGAL_AID = "legal_aid", _("法律援助")
    LAWYER = "lawyer", _("律师")
    MEDIATION = "mediation", _("人民调解")
    RIGHTS_CENTRE = "rights_centre", _("老年维权中心")


class ReferralStatus(models.TextChoices):
    REFERRED = "referred", _("已转介")
    ACCEPTED = "accepted", _("已受理")
    CONCLUDED = "concluded", _("已结案")
    DECLINED = "declined", _("未受理")


OPEN_REFERRALS = (ReferralStatus.REFERRED, ReferralStatus.ACCEPTED)


# -- protective follow-up of neglect and abuse (保护性跟进) ------------------------------------------


class StepKind(models.TextChoices):
    VISIT = "visit", _("上门探视")
    ASSESSMENT = "assessment", _("风险评估")
    REFERRAL = "referral", _("转介处置")
    REVIEW = "review", _("跟踪复查")


#: The mandatory steps, in order, and their deadline when no rule is in force (hours, calendar).
STEP_FALLBACK_HOURS = {
    StepKind.VISIT: 24,
    StepKind.ASSESSMENT: 72,
    StepKind.REFERRAL: 120,
    StepKind.REVIEW: 720,
}


class Risk(models.TextChoices):
    LOW = "low", _("低风险")
    MEDIUM = "medium", _("中风险")
    HIGH = "high", _("高风险")


class ProtectionStatus(models.TextChoices):
    OPEN = "open", _("跟进中")
    CLOSED = "closed", _("已结束")
