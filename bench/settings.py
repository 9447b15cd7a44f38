"""Settings for benchmarks: the site's own settings, production-like, plus the
floor view that pages are measured against."""

from lms.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False}

# bench/scale.py counts the e-mails its workers send with the file backend.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH")  # noqa: F405

# bench/integrations.py delivers to a plain-HTTP receiver on loopback.
if os.environ.get("BENCH_LOCAL_WEBHOOKS"):  # noqa: F405
    LMS_WEBHOOKS_ALLOW_HTTP = True
    LMS_WEBHOOKS_ALLOW_PRIVATE = True
