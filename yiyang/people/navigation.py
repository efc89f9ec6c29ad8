from django.utils.translation import gettext_lazy as _

from yiyang.core.navigation import MenuItem, register_menu

register_menu(
    _("老年人信息"),
    "people",
    10,
    [
        MenuItem(_("信息台账"), "people:elder_list", "people.view_elder", "person-lines-fill"),
        MenuItem(_("新增登记"), "people:elder_add", "people.add_elder", "person-plus"),
        MenuItem(_("批量导入"), "people:elder_import", "people.import_elder", "upload"),
    ],
)
