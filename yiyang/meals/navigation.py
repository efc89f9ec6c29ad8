from yiyang.core.navigation import MenuItem, register_menu

register_menu(
    "助餐服务",
    "cup-hot",
    31,
    [
        MenuItem("助餐窗口", "meals:counter", "meals.serve_canteen", "upc-scan"),
        MenuItem("助餐点", "meals:canteen_list", "meals.view_canteen", "shop"),
        MenuItem("助餐记录", "meals:mealrecord_list", "meals.view_mealrecord", "journal-text"),
        MenuItem("送餐单", "meals:deliveryorder_list", "meals.view_deliveryorder", "truck"),
        MenuItem("对账", "meals:reconciliation", "meals.view_mealrecord", "calculator"),
        MenuItem("补贴标准", "meals:subsidyrule_list", "meals.view_canteen", "cash-coin"),
    ],
)
