"""The audit log's words for this app's verbs and bulk snapshots (``core.audit_reading``)."""

from django.utils.translation import gettext_lazy as _

from yiyang.core.audit_reading import register_words

register_words(
    verbs={
        "issue": _("发证"),
        "reissue": _("补换证"),
        "void": _("作废"),
        "cancel": _("注销"),
        "issue_batch": _("批量发证"),
        "generate": _("生成名单"),
        "decide": _("结案"),
    },
    keys={"batch": _("批次"), "issued": _("发证数"), "year": _("年度"), "added": _("新增人数")},
)
