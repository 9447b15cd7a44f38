"""The platform's keys and a registration with one deployment, for every LTI
test module (defined with the launch tests, which show how they are used)."""

from tests.lti.test_launch import platform_keys, registration  # noqa: F401
