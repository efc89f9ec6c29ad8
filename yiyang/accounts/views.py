from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_POST

from yiyang.accounts import actions, second_factor, tokens
from yiyang.accounts.filtersets import UserFilterSet
from yiyang.accounts.forms import ReasonForm, UserForm
from yiyang.accounts.models import User
from yiyang.accounts.selectors import failed_logins, recent_logins, with_lock_state
from yiyang.accounts.tables import UserTable, area_names, password_age
from yiyang.core import audit
from yiyang.core.errors import error_text
from yiyang.core.exporting import Column, datetime_, text
from yiyang.core.models import AuditEntry
from yiyang.core.scoping import permission_name
from yiyang.core.views import ObjectDetailView, ObjectEditView, ObjectListView, ScopedViewMixin


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": gettext_lazy("用户名或密码错误。连续输错多次后账号将被临时锁定。"),
        "inactive": gettext_lazy("该账号已停用。"),
    }


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = "/"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        request: HttpRequest = self.request
        context["expired"] = request.GET.get("expired") == "1" or actions.must_change_password(request.user)  # type: ignore[arg-type]
        context["title"] = _("修改密码")
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        tokens.revoke(form.user)  # a token obtained with the old password stops working too
        # A security event (等保 §8.1.4.3): who changed their password, when; never the hash.
        audit.record_change(
            actor=self.request.user,
            obj=form.user,
            action=AuditEntry.Action.UPDATE,
            verb="user.change_password",
            message="用户修改本人密码",
        )
        return response


# -- user administration (用户管理) -------------------------------------------------------------------


USER_EXPORT_COLUMNS: list[Column] = [
    text("用户名", "username"),
    text("姓名", lambda u: u.get_full_name()),
    text("角色", lambda u: u.get_role_display()),
    text("辖区", area_names),
    text("手机号", "phone"),
    text("单位", "organisation"),
    datetime_("最近登录时间", "last_login"),
    text("密码已用", password_age),
    text("状态", lambda u: "启用" if u.is_active else "停用"),
    text("锁定", lambda u: "已锁定" if getattr(u, "locked", False) else ""),
]


class UserPagesMixin:
    @property
    def list_title(self) -> str:
        return _("用户管理")


class UserListView(UserPagesMixin, ObjectListView):
    model = User
    filterset = UserFilterSet
    table = UserTable
    export_columns = USER_EXPORT_COLUMNS

    def get_queryset(self, action: str | None = None) -> Any:
        qs = super().get_queryset(action).prefetch_related("assignments__area")
        return with_lock_state(qs)


class UserDetailView(UserPagesMixin, ObjectDetailView):
    model = User
    template_name = "accounts/user_detail.html"

    def get_object(self, action: str | None = None) -> Any:
        qs = with_lock_state(self.get_queryset(action)).prefetch_related("assignments__area")
        try:
            return qs.get(pk=self.kwargs["pk"])
        except User.DoesNotExist as exc:
            raise Http404 from exc

    def get_context(self, obj: User) -> dict[str, Any]:
        context = super().get_context(obj)
        viewer = self.request.user
        history: Any = []
        if viewer.has_perm("core.view_auditentry"):
            history = (
                AuditEntry.objects.for_user(viewer)
                .filter(object_type="accounts.user", object_id=str(obj.pk))
                .order_by("-time")[:20]
            )
        context.update(
            title=_("%(username)s（%(name)s）") % {"username": obj.username, "name": obj.get_full_name()},
            areas=[a.area for a in sorted(obj.assignments.all(), key=lambda a: a.area.path)],
            password_age=password_age(obj),
            must_change=actions.must_change_password(obj),
            token=tokens.token_state(obj),
            second_factor=second_factor.user_has_device(obj),
            second_factor_required=obj.role in settings.OTP_REQUIRED_ROLES,
            logins=recent_logins(obj, 10),
            history=history,
            can_change=viewer.has_perm(permission_name(User, "change"))
            and User.objects.for_user(viewer, "change").filter(pk=obj.pk).exists(),
            is_self=obj.pk == viewer.pk,
        )
        return context


class UserEditView(UserPagesMixin, ObjectEditView):
    model = User
    form = UserForm
    generated_password: str | None = None
    created: User | None = None

    def save_object(self, form: BaseForm) -> User:
        assert isinstance(form, UserForm)
        data = form.to_data()
        if self.creating:
            self.created, self.generated_password = actions.user_create(
                data=data, actor=self.request.user, password=form.cleaned_data.get("password") or None
            )
            return self.created
        return actions.user_update(user=self.get_object(), data=data, actor=self.request.user)

    def post(self, request: HttpRequest, **kwargs: Any) -> HttpResponse:
        response = super().post(request, **kwargs)
        if self.created and self.generated_password and isinstance(response, HttpResponseRedirect):
            return password_once(request, self.created, self.generated_password, created=True)
        return response

    def success_url(self, obj: Any) -> str:
        return reverse("accounts:user_detail", args=[obj.pk])


def password_once(request: HttpRequest, user: User, password: str, *, created: bool) -> HttpResponse:
    """The only time the clear password is shown: not stored, not cached, not logged."""
    response = render(
        request,
        "accounts/user_password.html",
        {
            "object": user,
            "password": password,
            "created": created,
            "title": _("初始密码") if created else _("重置密码"),
            "breadcrumbs": [(_("用户管理"), reverse("accounts:user_list")), (str(user), "")],
        },
    )
    response["Cache-Control"] = "no-store"
    return response


class UserActionView(ScopedViewMixin, View):
    """A POST verb on one account (停用, 启用, 重置密码, 解除锁定)."""

    model = User
    action = "change"
    verb = ""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.check_permission()
        user = self.get_object()
        form = ReasonForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        detail = reverse("accounts:user_detail", args=[user.pk])
        try:
            if self.verb == "deactivate":
                actions.user_deactivate(user=user, actor=request.user, reason=reason)
                messages.success(request, _("已停用账号：%(user)s") % {"user": user})
            elif self.verb == "reactivate":
                actions.user_reactivate(user=user, actor=request.user, reason=reason)
                messages.success(request, _("已启用账号：%(user)s") % {"user": user})
            elif self.verb == "unlock":
                actions.user_unlock(user=user, actor=request.user)
                messages.success(request, _("已解除登录锁定：%(user)s") % {"user": user})
            elif self.verb == "revoke_token":
                actions.user_revoke_token(user=user, actor=request.user)
                messages.success(request, _("已吊销接口令牌：%(user)s") % {"user": user})
            elif self.verb == "reset_second_factor":
                actions.user_reset_second_factor(user=user, actor=request.user, reason=reason)
                messages.success(request, _("已重置两步验证：%(user)s，下次登录时重新绑定") % {"user": user})
            elif self.verb == "reset_password":
                password = actions.user_reset_password(user=user, actor=request.user)
                return password_once(request, user, password, created=False)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return HttpResponseRedirect(detail)


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    """我的账号: one's own role, areas, recent logins and the way to change the password."""
    assert isinstance(request.user, User)
    user = User.objects.prefetch_related("assignments__area").get(pk=request.user.pk)
    return render(
        request,
        "accounts/my_account.html",
        {
            "object": user,
            "areas": [a.area for a in sorted(user.assignments.all(), key=lambda a: a.area.path)],
            "password_age": password_age(user),
            "must_change": actions.must_change_password(user),
            "logins": recent_logins(user, 10),
            "failed_logins": failed_logins(user),
            "token": tokens.token_state(user),
            "title": _("我的账号"),
            "breadcrumbs": [(_("我的账号"), "")],
        },
    )


@login_required
@require_POST
def my_token_revoke(request: HttpRequest) -> HttpResponse:
    """The owner revokes their own API token."""
    actions.user_revoke_token(user=request.user, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, _("已吊销您的接口令牌"))
    return HttpResponseRedirect(reverse("accounts:my_account"))


# -- the second factor (两步验证) ----------------------------------------------------------------------


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    """After the password: the TOTP code, or a recovery code; enrolment with a QR code the first time."""
    from django_otp import login as otp_login

    user = request.user
    nxt = second_factor.safe_next(request)
    if second_factor.verified(user):
        return HttpResponseRedirect(nxt)
    device = second_factor.enrolled(user)
    pending = None if device is not None else second_factor.pending_device(user)
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "")
        if pending is not None:
            codes = second_factor.confirm(pending, token.strip())
            if codes is not None:
                otp_login(request, pending)
                actions.second_factor_recorded(user=user, verb="user.otp_enrol", message="绑定两步验证")
                return render(
                    request,
                    "accounts/otp_codes.html",
                    {"codes": codes, "next": nxt, "title": _("两步验证恢复码")},
                )
        else:
            matched = second_factor.check(user, token)
            if matched is not None:
                otp_login(request, matched)
                if matched.persistent_id.startswith("otp_static"):
                    actions.second_factor_recorded(
                        user=user, verb="user.otp_recovery", message="使用恢复码登录"
                    )
                return HttpResponseRedirect(nxt)
        error = _("验证码不正确或已过期，请重新输入。")
    context: dict[str, Any] = {"next": nxt, "error": error, "title": _("两步验证")}
    if pending is not None:
        context |= {"qr": second_factor.qr_svg(pending), "secret": second_factor.secret_text(pending)}
    return render(request, "accounts/otp.html", context, status=400 if error else 200)
