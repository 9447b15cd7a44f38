"""The platform's keys and a registration with one deployment, for every LTI
test module (tests/lti/platform.py)."""

from tests.lti.platform import platform_keys, registration  # noqa: F401
