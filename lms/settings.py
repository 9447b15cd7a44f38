"""Settings for the host site, read from the environment.

With no environment at all this runs on one machine: a SQLite file, local media
files, a local-memory cache and the database task queue. ``DJANGO_ENV=production``
turns on the deployment checks and refuses to start without a real secret.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from courses import WAGTAIL_LOCALE_PATH
from lms.env import (
    content_origin,
    database_config,
    env_bool,
    env_list,
    fail,
    object_storage,
    pem,
    secret_key,
    site_address,
)

BASE_DIR = Path(__file__).resolve().parent.parent

PRODUCTION = os.environ.get("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)
SECRET_KEY = secret_key(PRODUCTION)
# The one address every absolute URL starts with (e-mails, certificates and their
# QR codes, Open Badges, calendar feeds, xAPI), and Wagtail's admin e-mails too.
WAGTAILADMIN_BASE_URL = site_address(PRODUCTION)
# In development the demo's own host is allowed too: DEMO_ADDRESS may name the
# machine's address on the local network.
DEVELOPMENT_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    []
    if PRODUCTION
    else [*DEVELOPMENT_HOSTS, urlsplit(WAGTAILADMIN_BASE_URL).hostname],
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# E-learning packages are served from a host of their own, without cookies
# (docs/content-origin.md): CONTENT_ORIGIN; the demo's is localhost:8001.
LMS_CONTENT_ORIGIN = content_origin(PRODUCTION, WAGTAILADMIN_BASE_URL)
# Its host is allowed beside the site's, never instead of them: a production site
# that names no ALLOWED_HOSTS is still told so (security.W020).
if (
    LMS_CONTENT_ORIGIN
    and ALLOWED_HOSTS
    and urlsplit(LMS_CONTENT_ORIGIN).hostname not in ALLOWED_HOSTS
):
    ALLOWED_HOSTS.append(urlsplit(LMS_CONTENT_ORIGIN).hostname)

INSTALLED_APPS = [
    "lms",
    "courses",
    "certificates",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "axes",
    "csp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # First: the content origin's requests get their own URLconf and lose their
    # cookies before the session reads them.
    "courses.activities.origin.ContentOriginMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "courses.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "courses.catalogue.content_cache.ContentCacheMiddleware",
    # After the content cache (it caches under its version), inside CSP and XFO.
    "courses.lti.framing.PlatformFramingMiddleware",
    # Last: it turns a locked-out sign-in into the page that says so.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): the learner's pages load scripts and
# styles from this site only and run no inline script, so an injected one does
# not run. Wagtail's admin uses inline scripts of its own and has its own policy
# to decide (none here). Lesson videos are embedded from other sites (frames);
# pictures may come from a storage service (https:).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        # NONCE: only in the header of a page that uses it (the LTI cookie check).
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "media-src": [SELF, "https:"],
        "frame-src": ["https:", *([LMS_CONTENT_ORIGIN] if LMS_CONTENT_ORIGIN else [])],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    },
}

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "courses.context_processors.lms",
            ],
        },
    },
]

DATABASES = {"default": database_config(str(BASE_DIR / "db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "lms",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "lms",
        }
    }

# Background work: the database queue and its worker (`manage.py db_worker`) on one
# machine; RQ on Redis (`manage.py rqworker`) when workers run on several hosts.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if TASKS_BACKEND == "rq":
    # The queue may live apart from the cache: a cache Redis evicts keys under
    # memory pressure (and clearing the cache flushes its database), which would
    # drop queued jobs; a queue Redis should run with maxmemory-policy noeviction.
    TASKS_REDIS_URL = os.environ.get("TASKS_REDIS_URL") or REDIS_URL
    if not TASKS_REDIS_URL:
        fail("TASKS_BACKEND=rq needs REDIS_URL (or TASKS_REDIS_URL).")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    # `manage.py rqworker` must run jobs as django-tasks' Job, which calls the task
    # function; RQ's own Job cannot call a Task object.
    RQ = {"JOB_CLASS": "django_tasks_rq.Job"}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
elif TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
else:
    fail(f"TASKS_BACKEND must be database, rq or immediate, not {TASKS_BACKEND!r}.")

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses any sign-in while its account or address is locked out.
    "axes.backends.AxesStandaloneBackend",
    # The Wagtail admin signs staff in by username; the learner site by e-mail.
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "courses:dashboard"
LOGOUT_REDIRECT_URL = "/"

# Accounts (django-allauth): teachers sign up with their name and e-mail, confirm
# the address from the e-mail before they can sign in, and sign in by e-mail.
# Failed sign-ins, sign-ups and password resets are rate-limited (allauth's
# defaults, kept in the cache: Redis when several processes serve the site).
# Wrong passwords on either sign-in form (the site's and the admin's) share one
# count: after 10 for one account, from any addresses, that account waits 10
# minutes; after 100 from one client address (for any accounts: a school's
# teachers share one), that address waits. A right password clears only what
# that account got wrong from that address. django-axes keeps the counts in the
# database, so every process and host shares them. Choosing a new password from
# an e-mailed link lifts an account's lock at once.
AXES_HANDLER = "courses.people.signin.SignInAttempts"
AXES_FAILURE_LIMIT = 10
LMS_ADDRESS_FAILURE_LIMIT = 100
AXES_COOLOFF_TIME = timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_CALLABLE = "courses.people.signin.account_name"
AXES_LOCKOUT_CALLABLE = "courses.people.signin.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client's address, for the sign-in limits and the guessing limits (check-in
# codes, enrolment keys, verification) alike: behind PROXY_COUNT proxies that
# append to X-Forwarded-For (docs/deployment.md), read from that header when the
# request comes from one of FORWARDED_ALLOW_IPS, the proxies gunicorn trusts for
# X-Forwarded-Proto (gunicorn.conf.py, same default). Without a proxy the header
# is ignored: it could be forged.
try:
    LMS_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1" if PRODUCTION else "0"))
except ValueError:
    fail(f"PROXY_COUNT must be a whole number, not {os.environ['PROXY_COUNT']!r}.")
if LMS_PROXY_COUNT < 0:
    fail(f"PROXY_COUNT must be 0 or more, not {LMS_PROXY_COUNT}.")
LMS_TRUSTED_PROXIES = env_list("FORWARDED_ALLOW_IPS", ["127.0.0.1"])
AXES_CLIENT_IP_CALLABLE = "courses.client_address.client_address"
RATELIMIT_IP_META_KEY = "courses.client_address.client_address"

ACCOUNT_ADAPTER = "courses.people.allauth.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "courses.people.allauth.SignupForm"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# django-axes counts failed sign-ins for both forms; allauth's own count would
# lock the site's form out on different terms.
ACCOUNT_RATE_LIMITS = {"login_failed": None}
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
# False for a provider that enrols only from CSV files or through single sign-on:
# the sign-up page then says that accounts are created by the course team.
LMS_SELF_REGISTRATION = env_bool("SELF_REGISTRATION", True)
# The demo's own header and footer (templates/base.html) around the plugin's pages.
LMS_BASE_TEMPLATE = "base.html"
# The name e-mails sign with, per language: a Latvian e-mail names the site in
# Latvian.
LMS_SITE_NAME = {
    "lv": "Kursi STEM skolotājiem, Daugavpils Universitāte",
    "en": "STEM teacher courses, Daugavpils University",
}
# The issuer's key and X.509 certificate that sign certificate PDFs, as PEM: from
# SIGNING_KEY / SIGNING_CERTIFICATE, or from the files in SIGNING_DIR that
# `manage.py create_signing_key` and `rotate_signing_key` write (never committed).
SIGNING_DIR = Path(os.environ.get("SIGNING_DIR", BASE_DIR / ".signing"))
LMS_SIGNING_KEY = pem("SIGNING_KEY", SIGNING_DIR, "issuer-key.pem")
LMS_SIGNING_CERTIFICATE = pem(
    "SIGNING_CERTIFICATE", SIGNING_DIR, "issuer-certificate.pem"
)
# The LTI tool's RSA key (docs/lti.md): `manage.py create_lti_key` writes one.
LMS_LTI_TOOL_KEY = pem("LTI_TOOL_KEY", SIGNING_DIR, "lti-tool-key.pem")
# The API's OpenAPI schema and docs page at /api/v1/docs: on while developing.
LMS_API_DOCS = env_bool("API_DOCS", not PRODUCTION)

# Latvian first: the programme runs in Latvia; English for partners and guests.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "lv")
LANGUAGES = [("lv", _("Latvian")), ("en", _("English"))]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Wagtail offers only the admin languages it translates almost fully, which leaves
# out Latvian; the plugin's catalogue (below) completes it.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# The plugin's Latvian for the Wagtail admin messages Wagtail's own Latvian lacks.
LOCALE_PATHS = [BASE_DIR / "lms" / "locale", WAGTAIL_LOCALE_PATH]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Riga")
# English dates in one European style ("7 December 2026", 14:30); Latvian keeps
# Django's own formats.
FORMAT_MODULE_PATH = ["lms.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static_root"))
# The players the content origin serves, from npm at build time (`npm ci`, run by
# `make install`); never packed into the wheel. h5p-standalone carries H5P's core,
# which is GPL-3.0.
STATICFILES_DIRS = [
    (prefix, folder)
    for prefix, folder in [
        ("activities/scorm-again", BASE_DIR / "node_modules/scorm-again/dist"),
        ("activities/h5p-standalone", BASE_DIR / "node_modules/h5p-standalone/dist"),
    ]
    if folder.is_dir()
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Any S3-compatible object store for certificates and uploads, from the AWS_*
# variables (tests/lms/test_s3_storage.py runs it against moto's S3 server).
if bucket_storage := object_storage():
    STORAGES["default"] = bucket_storage

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "lms@localhost")

# The admin's name for the site, in the admin's language unless SITE_NAME fixes one.
WAGTAIL_SITE_NAME = os.environ.get("SITE_NAME") or _("STEM teacher courses")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from gravatar.com: every admin page would send a hash of the staff
# member's e-mail address to a third party (and log an error where it is blocked).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_MODERATION_ENABLED = True
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Each upload point's own limit holds while the body is read (courses.uploads):
# nothing past it is kept in memory or written to disk.
FILE_UPLOAD_HANDLERS = [
    "courses.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Wagtail leaves documents unlimited; course material rarely needs more.
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024

if PRODUCTION:
    # Static files straight from gunicorn, after `collectstatic`; runserver serves
    # them itself in development.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# LTI (docs/lti.md): in a platform's iframe the cookies are third-party ones, sent
# only as SameSite=None, which browsers keep only when Secure (https).
if env_bool("LTI_EMBED", PRODUCTION and WAGTAILADMIN_BASE_URL.startswith("https://")):
    if not WAGTAILADMIN_BASE_URL.startswith("https://"):
        fail("LTI_EMBED needs BASE_URL on https: iframe cookies must be Secure.")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "None"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
