from django.urls import path

from yiyang.meals import views

app_name = "meals"

urlpatterns = [
    path("counter/", views.CounterView.as_view(), name="counter"),
    path("canteens/", views.CanteenListView.as_view(), name="canteen_list"),
    path("canteens/add/", views.CanteenEditView.as_view(), name="canteen_add"),
    path("canteens/<int:pk>/", views.CanteenDetailView.as_view(), name="canteen_detail"),
    path("canteens/<int:pk>/edit/", views.CanteenEditView.as_view(), name="canteen_edit"),
    path("canteens/<int:pk>/members/", views.CanteenMemberView.as_view(), name="canteen_member_add"),
    path(
        "canteens/<int:pk>/members/<int:member>/remove/",
        views.CanteenMemberView.as_view(),
        name="canteen_member_remove",
    ),
    path("menus/add/", views.MenuEditView.as_view(), name="menu_add"),
    path("menus/<int:pk>/edit/", views.MenuEditView.as_view(), name="menu_edit"),
    path("records/", views.MealRecordListView.as_view(), name="mealrecord_list"),
    path("deliveries/", views.DeliveryOrderListView.as_view(), name="deliveryorder_list"),
    path(
        "deliveries/<int:pk>/deliver/", views.DeliveryOrderDeliverView.as_view(), name="deliveryorder_deliver"
    ),
    path("reconciliation/", views.ReconciliationView.as_view(), name="reconciliation"),
    path("rules/", views.SubsidyRuleListView.as_view(), name="subsidyrule_list"),
    path("elders/<int:pk>/qr/", views.ElderQRView.as_view(), name="elder_qr"),
]
