"""Browsers that block third-party cookies (docs/lti.md, "Cookies inside an
iframe"): inside the platform's iframe they drop the state cookie the launch is
checked against, and the session that signs the learner in.

Two pages say so and offer to open the course in a new window, where the cookies
are the site's own: pylti1p3's cookie check at login, which tries a cookie in
the browser before going on, and, should a launch still arrive without its
state cookie, :func:`cookies_blocked_page`."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from pylti1p3.contrib.django import DjangoOIDCLogin
from pylti1p3.contrib.django.cookie import DjangoCookieService
from pylti1p3.contrib.django.request import DjangoRequest
from pylti1p3.cookies_allowed_check import CookiesAllowedCheckPage

#: The login parameters a new window carries to start the login again, as
#: pylti1p3's cookie check passes them on.
LOGIN_PARAMS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "lti_deployment_id",
    "client_id",
)
#: pylti1p3 skips its cookie check for a login that carries this parameter.
NEW_WINDOW = "lti1p3_new_window"
#: As long as pylti1p3's state cookie lives: a launch after that is refused anyway.
STATE_SECONDS = 5 * 60


def _reopen_key(state: str) -> str:
    return "lti:reopen:" + hashlib.blake2b(state.encode(), digest_size=16).hexdigest()


class CookieCheckingLogin(DjangoOIDCLogin):
    """pylti1p3's login with its cookie check, in our words and layout.

    Its page runs an inline script, which the site's CSP allows only with the
    request's nonce; the warning's link becomes a button (a ``javascript:`` link
    is blocked too). The login also remembers, under its state, the address that
    starts it again in a new window, for :func:`cookies_blocked_page`. A login
    the browser opens as a top-level page (``Sec-Fetch-Dest: document``) skips the
    check."""

    def __init__(self, request: HttpRequest, tool_config: Any, **kwargs: Any) -> None:
        super().__init__(request, tool_config, **kwargs)
        self.django_request = request
        if request.headers.get("Sec-Fetch-Dest") == "document":
            # A window of its own (the browser says so): the cookies are
            # first-party, so the check would only cost a round trip.
            return
        self.enable_check_cookies(
            main_msg=_(
                "Your browser does not let this course keep you signed in inside "
                "the platform's page."
            ),
            click_msg=_("Open the course in a new window"),
            loading_msg=_("Loading…"),
        )

    def _new_window_params(self) -> dict[str, str]:
        params = {NEW_WINDOW: "1"}
        for name in LOGIN_PARAMS:
            if value := self._get_request_param(name):
                params[name] = value
        return params

    def new_window_url(self) -> str:
        """This login again, for a window of its own (no cookie check there)."""
        login_url = self.django_request.build_absolute_uri(self.django_request.path)
        return f"{login_url}?{urlencode(self._new_window_params())}"

    def get_cookies_allowed_js_check(self) -> str:
        page = CookiesAllowedCheckPage(
            self._new_window_params(),
            "https" if self.django_request.is_secure() else "http",
            self._cookies_unavailable_msg_main_text,
            self._cookies_unavailable_msg_click_text,
            self._cookies_check_loading_text,
        )
        return render_to_string(
            "courses/lti/cookie_check.html",
            {
                # pylti1p3's script: its parameters are JSON of HTML-escaped text.
                "script": mark_safe(page.get_js_block()),
                "main_text": self._cookies_unavailable_msg_main_text,
                "click_text": self._cookies_unavailable_msg_click_text,
                "loading_text": self._cookies_check_loading_text,
            },
            request=self.django_request,
        )

    def get_response(self, html: str) -> HttpResponse:
        # The template reads ``request.csp_nonce``: with django-csp and ``NONCE``
        # in the policy's script-src (docs/install.md), the header allows it.
        return HttpResponse(html)

    def get_redirect(self, url: str) -> Any:
        """The redirect to the platform carries the new state: remember how to
        start this login again should the launch come back without its cookie."""
        state = parse_qs(urlsplit(url).query).get("state", [""])[0]
        if state:
            cache.set(_reopen_key(state), self.new_window_url(), STATE_SECONDS)
        return super().get_redirect(url)


def cookies_blocked_page(request: HttpRequest) -> HttpResponse | None:
    """The page for a launch whose state cookie the browser did not send though
    our login issued that state moments ago: the browser blocked the cookie in
    the iframe. It changes nothing and offers the login again in a new window.
    None for any other launch, which is validated as usual."""
    state = request.POST.get("state", "")
    if not state or not request.POST.get("id_token"):
        return None
    if DjangoCookieService(DjangoRequest(request)).get_cookie(state):
        return None
    reopen_url = cache.get(_reopen_key(state))
    if not reopen_url:
        return None
    return render(
        request,
        "courses/lti/cookies_blocked.html",
        {"reopen_url": reopen_url},
        status=400,
    )


def state_used(request: HttpRequest) -> None:
    """A launch was accepted with its state: the same launch posted again (a
    replay, from a browser without the cookie) is refused as usual, not offered
    a new window."""
    cache.delete(_reopen_key(request.POST.get("state", "")))
