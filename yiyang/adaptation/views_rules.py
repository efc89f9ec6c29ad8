"""The registers behind the projects: contractors, the item catalogue and the per-household caps."""

from __future__ import annotations

from yiyang.adaptation.filtersets import CapRuleFilterSet, CatalogueItemFilterSet, ContractorFilterSet
from yiyang.adaptation.forms import CapRuleForm, CatalogueItemForm, ContractorForm
from yiyang.adaptation.models import CapRule, CatalogueItem, Contractor
from yiyang.adaptation.tables import CapRuleTable, CatalogueItemTable, ContractorTable
from yiyang.core.views import ObjectEditView, ObjectListView


class ContractorListView(ObjectListView):
    model = Contractor
    filterset = ContractorFilterSet
    table = ContractorTable


class ContractorEditView(ObjectEditView):
    model = Contractor
    form = ContractorForm


class CatalogueItemListView(ObjectListView):
    model = CatalogueItem
    filterset = CatalogueItemFilterSet
    table = CatalogueItemTable


class CatalogueItemEditView(ObjectEditView):
    model = CatalogueItem
    form = CatalogueItemForm


class CapRuleListView(ObjectListView):
    model = CapRule
    filterset = CapRuleFilterSet
    table = CapRuleTable


class CapRuleEditView(ObjectEditView):
    model = CapRule
    form = CapRuleForm
