from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    """Password complexity (等保 §8.1.4.1 a): characters from several classes."""

    CLASSES = (
        ("小写字母", str.islower),
        ("大写字母", str.isupper),
        ("数字", str.isdigit),
        ("符号", lambda c: not c.isalnum()),
    )

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: Any = None) -> None:
        present = sum(1 for _, test in self.CLASSES if any(test(c) for c in password))
        if present < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self) -> str:
        names = "、".join(name for name, _ in self.CLASSES)
        return f"密码须包含{names}中至少 {self.min_classes} 类字符。"
