"""The form of a neighbour mutual-aid pair: who with whom (on creation only), what, how often."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiyang.core import crypto
from yiyang.core.forms import ScopedModelForm
from yiyang.core.idnumber import IdNumberError, parse_id_number
from yiyang.people.models import Elder
from yiyang.volunteers import matching
from yiyang.volunteers.choices import PairEndReason
from yiyang.volunteers.matching import NearbyElder
from yiyang.volunteers.models import MutualAidPair


class MutualAidPairForm(ScopedModelForm):
    """结对登记. The volunteer and the elder are chosen once; later edits change the agreement only."""

    elder_id_number = forms.CharField(label=_("结对老人身份证号"), max_length=30)

    class Meta:
        model = MutualAidPair
        fields = ["volunteer", "elder_id_number", "skill", "every_days", "started_on", "note"]
        widgets = {"started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.user = user
        self.proposals: list[NearbyElder] = []
        if self.instance.pk:  # the pair is these two people: end it and make another to change them
            del self.fields["volunteer"], self.fields["elder_id_number"]
            return
        volunteer: Any = self.fields["volunteer"]
        volunteer.queryset = volunteer.queryset.filter(status="active").order_by("name")
        # Choosing the volunteer reloads the proposals (htmx: the same page, its proposals part only).
        volunteer.widget.attrs.update({"hx-get": "", "hx-trigger": "change", "hx-target": "#pair-proposals",
                                       "hx-select": "#pair-proposals", "hx-swap": "outerHTML"})  # fmt: skip
        self.fields["elder_id_number"].required = False
        chosen = self.data.get("volunteer") if self.is_bound else self.initial.get("volunteer")
        found = volunteer.queryset.filter(pk=chosen).first() if str(chosen or "").isdigit() else None
        if found is not None:
            self.proposals = matching.nearby_elders(found, user)
        choices = [(str(p.elder.pk), self._label(p)) for p in self.proposals]
        self.fields["nearby_elder"] = forms.ChoiceField(
            label=_("附近的老人"), required=False, choices=choices, widget=forms.RadioSelect,
            help_text=_("选择志愿者后，按离志愿者住址由近到远列出您辖区内的在册老人；也可直接填写身份证号"),
        )  # fmt: skip
        self.order_fields(["volunteer", "nearby_elder", "elder_id_number"])

    @staticmethod
    def _label(proposal: NearbyElder) -> str:
        elder = proposal.elder
        return f"{elder.name}（{elder.id_number_masked}，{elder.area.name}，{proposal.distance_text}）"

    def clean_elder_id_number(self) -> Elder | None:
        text = self.cleaned_data.get("elder_id_number") or ""
        if not text.strip():
            return None
        try:
            parsed = parse_id_number(text)
        except IdNumberError as exc:
            raise forms.ValidationError(exc.message) from exc
        elder = (
            Elder.objects.for_user(self.user)
            .filter(id_number_hash=crypto.lookup_hash(parsed.value), status="living")
            .first()
        )
        if elder is None:
            raise forms.ValidationError(gettext("您的管辖范围内没有这位在册老人"))
        return elder

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk or "elder_id_number" in self.errors:
            return data
        if data.get("elder_id_number") is None:  # the ID number typed wins over the proposal ticked
            chosen = {str(p.elder.pk): p.elder for p in self.proposals}.get(data.get("nearby_elder") or "")
            if chosen is None:
                self.add_error("elder_id_number", gettext("请选择附近的老人，或填写老人的身份证号"))
            data["elder_id_number"] = chosen
        return data


class PairEndForm(forms.Form):
    reason = forms.ChoiceField(label=_("解除原因"), choices=[("", "---------"), *PairEndReason.choices])
    note = forms.CharField(label=_("说明"), max_length=150, required=False)
