"""Signing in and out. Sign-in is throttled per e-mail address and per client IP (csm.accounts.throttle):
while locked out, an attempt is refused before the password is even checked."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from csm.accounts import throttle
from csm.accounts.forms import LoginForm

WRONG_CREDENTIALS = _("The e-mail address or password is not correct.")


def _client_ip(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For can be forged by the client unless a trusted proxy sets it.
    return str(request.META.get("REMOTE_ADDR", ""))


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in, if the page asked and it is on this site; "" otherwise."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def _locked_out_message() -> str:
    minutes = max(1, settings.CSM_LOGIN_WINDOW_SECONDS // 60)
    return ngettext(
        "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
        "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _try_login(request: HttpRequest, form: LoginForm) -> bool:
    email, ip = form.cleaned_data["email"], _client_ip(request)
    if throttle.is_locked_out(email=email, ip=ip):
        form.add_error(None, _locked_out_message())
        return False
    user = authenticate(request, email=email, password=form.cleaned_data["password"])
    if user is None:
        throttle.record_failure(email=email, ip=ip)
        form.add_error(None, WRONG_CREDENTIALS)
        return False
    throttle.clear_failures(email=email)
    login(request, user)
    return True


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(_next_url(request) or "home")
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _try_login(request, form):
        return redirect(_next_url(request) or "home")
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, _("You have signed out."))
    return redirect("login")
