from yiyang.core.navigation import MenuItem, register_menu

register_menu(
    "老年人信息",
    "people",
    10,
    [
        MenuItem("信息台账", "people:elder_list", "people.view_elder", "person-lines-fill"),
        MenuItem("新增登记", "people:elder_add", "people.add_elder", "person-plus"),
        MenuItem("批量导入", "people:elder_import", "people.import_elder", "upload"),
    ],
)
