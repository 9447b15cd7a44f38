"""What certificates add to the course reports, through their extension point.

Registered from :meth:`certificates.apps.CertificatesConfig.ready`; ``courses``
never imports this app.
"""

from __future__ import annotations

from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate
from courses.reports.columns import register_report_column, register_summary_figure


def valid_serial() -> Max:
    """The number of the enrolment's valid certificate (there is at most one):
    joined into the report's grouped query, not a subquery run for every row."""
    return Max(
        "certificates__serial",
        filter=Q(certificates__status=Certificate.Status.VALID),
    )


def has_valid_certificate() -> Q:
    # One valid certificate per enrolment (a constraint), so counting enrolments
    # counts the certificates in force. An uncorrelated IN, hashed once: as a
    # correlated EXISTS PostgreSQL costs it per row, and the estimate alone sets
    # off its JIT compiler, which took longer than the whole summary.
    return Q(pk__in=_enrolments_with(Certificate.Status.VALID))


def has_revoked_certificate() -> Q:
    return Q(pk__in=_enrolments_with(Certificate.Status.REVOKED))


def _enrolments_with(status: str) -> QuerySet[Certificate]:
    return Certificate.objects.filter(status=status).values("enrolment_id")


def register() -> None:
    register_report_column("certificate", _("Certificate number"), valid_serial)
    register_summary_figure(
        "certificates_issued", _("Certificates issued"), has_valid_certificate
    )
    register_summary_figure(
        "certificates_revoked", _("Certificates revoked"), has_revoked_certificate
    )
