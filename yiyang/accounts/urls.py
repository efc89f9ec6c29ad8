from django.contrib.auth import views as auth_views
from django.urls import path

from yiyang.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("otp/", views.otp_verify, name="otp"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("me/", views.my_account, name="my_account"),
    path("me/token/revoke/", views.my_token_revoke, name="my_token_revoke"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/add/", views.UserEditView.as_view(), name="user_add"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path(
        "users/<int:pk>/deactivate/", views.UserActionView.as_view(verb="deactivate"), name="user_deactivate"
    ),
    path(
        "users/<int:pk>/reactivate/", views.UserActionView.as_view(verb="reactivate"), name="user_reactivate"
    ),
    path(
        "users/<int:pk>/reset-password/",
        views.UserActionView.as_view(verb="reset_password"),
        name="user_reset_password",
    ),
    path(
        "users/<int:pk>/revoke-token/",
        views.UserActionView.as_view(verb="revoke_token"),
        name="user_revoke_token",
    ),
    path(
        "users/<int:pk>/reset-otp/",
        views.UserActionView.as_view(verb="reset_second_factor"),
        name="user_reset_second_factor",
    ),
    path("users/<int:pk>/unlock/", views.UserActionView.as_view(verb="unlock"), name="user_unlock"),
]
