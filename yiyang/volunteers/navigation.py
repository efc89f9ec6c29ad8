from django.utils.translation import gettext_lazy as _

from yiyang.core.navigation import MenuItem, register_menu

register_menu(
    _("志愿服务"),
    "people",
    40,
    [
        MenuItem(_("志愿者"), "volunteers:volunteer_list", "volunteers.view_volunteer", "person-heart"),
        MenuItem(_("导入志愿者"), "volunteers:volunteer_import", "volunteers.import_volunteer", "upload"),
        MenuItem(_("志愿服务队"), "volunteers:volunteerteam_list", "volunteers.view_volunteerteam", "people-fill"),
        MenuItem(_("求助与匹配"), "volunteers:helprequest_list", "volunteers.view_helprequest", "hand-index"),
        MenuItem(_("邻里互助结对"), "volunteers:mutualaidpair_list", "volunteers.view_mutualaidpair", "people"),
        MenuItem(_("服务签到"), "volunteers:servicerecord_add", "volunteers.add_servicerecord", "geo-alt"),
        MenuItem(_("志愿服务记录"), "volunteers:servicerecord_list", "volunteers.view_servicerecord", "clipboard-check"),
        MenuItem(_("敬老活动"), "volunteers:activity_list", "volunteers.view_activity", "calendar-heart"),
        MenuItem(_("评选表彰"), "volunteers:honourcampaign_list", "volunteers.view_honourcampaign", "award"),
        MenuItem(_("时间账户"), "volunteers:timeaccount_list", "volunteers.view_timeaccount", "piggy-bank"),
        MenuItem(_("时间流水"), "volunteers:timemovement_list", "volunteers.view_timemovement", "journal-text"),
        MenuItem(_("月末核对"), "volunteers:monthendcheck_list", "volunteers.view_monthendcheck", "check2-square"),
        MenuItem(_("时间银行规则"), "volunteers:bankrule_list", "volunteers.view_bankrule", "sliders"),
    ],
)  # fmt: skip
