from django.utils.translation import gettext_lazy as _

from yiyang.core.navigation import MenuItem, register_menu

register_menu(
    _("养老服务人才"),
    "person-vcard",
    45,
    [
        MenuItem(_("护理员台账"), "workforce:careworker_list", "workforce.view_careworker", "person-vcard"),
        MenuItem(_("登记护理员"), "workforce:careworker_add", "workforce.add_careworker", "person-plus"),
        MenuItem(_("导入护理员"), "workforce:careworker_import", "workforce.import_careworker", "upload"),
        MenuItem(_("职业技能等级证书"), "workforce:certificate_list", "workforce.view_certificate", "patch-check"),
        MenuItem(_("培训班"), "workforce:trainingclass_list", "workforce.view_trainingclass", "mortarboard"),
        MenuItem(_("年度培训计划"), "workforce:trainingplanrule_list", "workforce.view_trainingplanrule", "bullseye"),
        MenuItem(_("岗位补贴花名册"), "workforce:postsubsidyroll_list", "workforce.view_postsubsidyroll", "cash-stack"),
        MenuItem(_("岗位补贴明细"), "workforce:postsubsidyline_list", "workforce.view_postsubsidyline", "list-ul"),
        MenuItem(_("岗位补贴标准"), "workforce:postsubsidyrule_list", "workforce.view_postsubsidyrule", "sliders"),
    ],
)  # fmt: skip
