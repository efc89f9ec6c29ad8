from django.utils.translation import gettext_lazy as _

from yiyang.core.navigation import MenuItem, register_menu

register_menu(
    _("走访慰问"),
    "door-open",
    36,
    [
        MenuItem(_("今日走访"), "visits:today", "visits.perform_visittask", "phone"),
        MenuItem(_("走访任务"), "visits:visittask_list", "visits.view_visittask", "list-check"),
        MenuItem(_("逾期督办"), "visits:overdue", "visits.view_visittask", "exclamation-triangle"),
        MenuItem(_("走访完成率"), "visits:coverage", "visits.view_visittask", "bar-chart"),
        MenuItem(_("走访记录"), "visits:visitrecord_list", "visits.view_visitrecord", "journal-text"),
        MenuItem(_("生成走访任务"), "visits:generate", "visits.generate_visitrule", "calendar-plus"),
        MenuItem(_("入户调查"), "visits:survey_today", "visits.answer_surveyresponse", "clipboard2-pulse"),
        MenuItem(_("摸底调查"), "visits:surveyround_list", "visits.view_surveyround", "clipboard-data"),
        MenuItem(
            _("台账变更建议"), "visits:registryproposal_list", "visits.view_registryproposal", "pencil-square"
        ),
        MenuItem(_("调查问卷"), "visits:surveytemplate_list", "visits.view_surveytemplate", "ui-checks"),
        MenuItem(_("导入调查问卷"), "visits:surveytemplate_import", "visits.import_surveyquestion", "upload"),
        MenuItem(_("节日慰问"), "visits:campaign_list", "visits.view_campaign", "gift"),
        MenuItem(_("慰问登记"), "visits:contribution_list", "visits.view_contribution", "clipboard-check"),
        MenuItem(_("慰问单位"), "visits:contributor_list", "visits.view_contributor", "building"),
        MenuItem(_("走访频次规则"), "visits:visitrule_list", "visits.view_visitrule", "sliders"),
    ],
)
