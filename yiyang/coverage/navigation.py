from django.utils.translation import gettext_lazy as _

from yiyang.core.navigation import MenuItem, register_menu

register_menu(
    _("居家社区服务"),
    "house-heart",
    30,
    [
        MenuItem(_("一刻钟服务圈"), "coverage:map", "coverage.view_coverageresult", "bullseye"),
        MenuItem(_("设施布局规划"), "coverage:siteproposal_list", "coverage.view_siteproposal", "geo-alt"),
    ],
)
