from django.utils.translation import gettext_lazy as _

from yiyang.accounts.roles import LANDING
from yiyang.core.navigation import MenuItem, register_landing, register_menu

for _role, _url_name in LANDING.items():
    register_landing(_role, _url_name)

register_menu(
    _("系统管理"),
    "gear",
    98,
    [
        MenuItem(_("用户管理"), "accounts:user_list", "accounts.view_user", "people-fill"),
        MenuItem(_("新增用户"), "accounts:user_add", "accounts.add_user", "person-plus"),
    ],
)
# Everyone's own page; kept out of 系统管理 so that group stays an administrators' menu.
register_menu(
    _("个人中心"), "person-circle", 99, [MenuItem(_("我的账号"), "accounts:my_account", "", "person-badge")]
)
