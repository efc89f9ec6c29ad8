from __future__ import annotations

from typing import Any

from django import forms

from yiyang.areas.models import Area, AreaLevel
from yiyang.meals.models import Canteen, Menu


class CanteenForm(forms.ModelForm):
    class Meta:
        model = Canteen
        fields = [
            "name",
            "kind",
            "area",
            "address",
            "latitude",
            "longitude",
            "operator",
            "phone",
            "seats",
            "is_active",
        ]

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        area_field: Any = self.fields["area"]
        area_field.queryset = Area.objects.for_user(user).filter(level=AreaLevel.COMMUNITY)


class MenuForm(forms.ModelForm):
    class Meta:
        model = Menu
        fields = ["canteen", "date", "slot", "dishes", "price"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        canteen_field: Any = self.fields["canteen"]
        canteen_field.queryset = Canteen.objects.for_user(user, "view")
