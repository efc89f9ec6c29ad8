from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "yiyang.accounts"
    label = "accounts"
    verbose_name = _("账号与权限")

    def ready(self) -> None:
        from yiyang.accounts import (
            navigation,  # noqa: F401  (menu registration)
            signals,  # noqa: F401  (logins, logouts and failed logins are audited)
        )
