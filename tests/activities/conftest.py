from tests.courses.integration_fakes import lrs, public_dns  # noqa: F401  (fixtures)
