from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yiyang.accounts"
    label = "accounts"
    verbose_name = "账号与权限"

    def ready(self) -> None:
        from yiyang.accounts import navigation  # noqa: F401  (menu registration)
