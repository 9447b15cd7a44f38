"""Cookies for a platform's iframe (LTI): SameSite=None and Secure on an https
site in production, Lax elsewhere, refused on plain http."""

from tests.lms.test_settings import run_check, run_manage

PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 60,
    "BASE_URL": "https://kursi.example.lv",
    "ALLOWED_HOSTS": "kursi.example.lv",
}
COOKIES = (
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE",
)


def cookie_settings(**env: str) -> str:
    """The cookie settings ``env`` gives, as Python prints the list."""
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; "
        f"print([getattr(settings, name) for name in {COOKIES!r}])",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_production_on_https_keeps_its_cookies_inside_the_platforms_iframe():
    assert cookie_settings(**PRODUCTION, LTI_EMBED="") == (
        "['None', True, 'None', True, 'None', True]"
    )


def test_a_site_not_embedded_keeps_lax_cookies():
    assert cookie_settings(**PRODUCTION, LTI_EMBED="false") == (
        "['Lax', True, 'Lax', True, None, False]"
    )
    # Development, on http: Lax, and not Secure, or no cookie would be kept.
    assert cookie_settings(LTI_EMBED="") == (
        "['Lax', False, 'Lax', False, None, False]"
    )


def test_embedding_on_plain_http_stops_with_one_clear_line():
    result = run_check(LTI_EMBED="true", BASE_URL="http://127.0.0.1:8000")

    assert result.returncode != 0
    assert result.stderr.strip() == (
        "Configuration error: LTI_EMBED needs BASE_URL on https: iframe cookies "
        "must be Secure."
    )
