"""The form renderer: Django's, with the plain ``<input>`` widgets written in Python.

Every list page has a filter form, and each of its text, number and date inputs went through two
templates (the input's and its attributes'): a template node per attribute. What Django's
``django/forms/widgets/input.html`` and ``attrs.html`` output is written here directly, the same
characters; every other widget (selects, radios, textareas) still renders through its template.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeData

_INPUTS = "text number email url password hidden date datetime time search tel color checkbox"
INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{kind}.html" for kind in _INPUTS.split())


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, escaped unless it is marked safe."""
    return str(value) if isinstance(value, SafeData) else escape(str(value))


def input_html(widget: dict[str, Any]) -> str:
    """``input.html`` with ``attrs.html``: type, name, the value unless None, then each attribute
    (False left out, True as a bare name)."""
    parts = [f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"']
    if widget["value"] is not None:
        parts.append(f' value="{_text(widget["value"])}"')
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    parts.append(">")
    return "".join(parts)


class Renderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name in INPUT_TEMPLATES and "widget" in context:
            return input_html(context["widget"])
        return str(super().render(template_name, context, request))
