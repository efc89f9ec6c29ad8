"""``manage.py demo_otp``: the current second-factor codes of the demo's accounts (make run's admin and
auditor), for someone trying the demo without an authenticator app. It reads only devices the demo
made (named "demo", with the published ``DEMO_TOTP_SECRET``), never a real account's."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "Print the current TOTP codes of the demo accounts (devices the demo created)"

    def handle(self, *args: Any, **options: Any) -> None:
        devices = TOTPDevice.objects.filter(name="demo", confirmed=True).select_related("user")
        if not devices:
            self.stdout.write("没有演示账号的两步验证设备（请先运行 make run 或 make demo 载入演示数据）")
            return
        for device in devices.order_by("user__username"):
            totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)

            self.stdout.write(f"{device.user.username}: {totp.token():0{device.digits}d}")
        self.stdout.write("（验证码每 30 秒更换一次）")
