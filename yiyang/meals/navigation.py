from django.utils.translation import gettext_lazy as _

from yiyang.core.navigation import MenuItem, register_menu

register_menu(
    _("助餐服务"),
    "cup-hot",
    31,
    [
        MenuItem(_("助餐窗口"), "meals:counter", "meals.serve_canteen", "upc-scan"),
        MenuItem(_("助餐点"), "meals:canteen_list", "meals.view_canteen", "shop"),
        MenuItem(_("助餐记录"), "meals:mealrecord_list", "meals.view_mealrecord", "journal-text"),
        MenuItem(_("送餐单"), "meals:deliveryorder_list", "meals.view_deliveryorder", "truck"),
        MenuItem(_("对账"), "meals:reconciliation", "meals.view_mealrecord", "calculator"),
        MenuItem(_("补贴标准"), "meals:subsidyrule_list", "meals.view_subsidyrule", "cash-coin"),
    ],
)
