"""The personal data the certificates app holds, declared in the courses app's
registry for export and erasure."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.privacy.registry import (
    Erasure,
    PersonalData,
    Strategy,
    register_actor_reference,
    register_exclusion,
    register_personal_data,
)


def make_tombstones(certificates: QuerySet) -> None:
    """What a certificate states stays, so that its page still verifies it; only
    its holder goes: the name, and the printed title and body that were filled
    in with the name (the unfilled wording takes their place)."""
    now = timezone.now()
    for certificate in certificates.filter(holder_erased_at__isnull=True):
        snapshot = dict(certificate.snapshot)
        snapshot["learner"] = ""
        wording = snapshot.get("wording", {})
        snapshot["texts"] = {
            lang: {**text, **wording.get(lang, {"title": "", "body": ""})}
            for lang, text in snapshot.get("texts", {}).items()
        }
        certificate.snapshot = snapshot
        certificate.holder_erased_at = now
        certificate.save(update_fields=["snapshot", "holder_erased_at"])


def declare() -> None:
    """Register the certificates app's personal data (called from ``ready()``)."""
    register_personal_data(
        PersonalData(
            model="certificates.Certificate",
            name="certificates",
            description=_(
                "The certificates issued to you, what each states and its status; "
                "their PDFs are in the files folder."
            ),
            user_path="user",
            fields=(
                "id",
                "enrolment_id",
                "serial",
                "verification_code",
                "learner_name",
                "course_title",
                "hours",
                "language",
                "snapshot",
                "issued_at",
                "expires_on",
                "issued_how",
                "issue_reason",
                "status",
                "revoked_at",
                "revocation_reason",
                "revocation_category",
                "revocation_public_note",
                "supersedes_id",
                "pdf",
            ),
            files=("pdf",),
            # The row stays so that its verification page still answers, with
            # serial, course, hours, dates, status and the PDF's hash; the name
            # (also in the printed text), the PDF and staff's notes go.
            erasure=Erasure(
                Strategy.TOMBSTONE,
                ("learner_name", "pdf", "issue_reason", "revocation_reason"),
                before=make_tombstones,
            ),
        )
    )
    register_personal_data(
        PersonalData(
            model="certificates.ExternalCertificate",
            name="external_certificates",
            description=_(
                "The certificates from other providers you recorded in your "
                "professional-development record; their PDFs are in the files folder."
            ),
            user_path="user",
            fields=(
                "id",
                "title",
                "provider",
                "hours",
                "completed_on",
                "verification_url",
                "created_at",
                "pdf",
            ),
            files=("pdf",),
            # The teacher's own entries: nothing else refers to them.
            erasure=Erasure(Strategy.DELETE),
        )
    )
    register_actor_reference("certificates.Certificate", "issued_by")
    register_actor_reference("certificates.Certificate", "revoked_by")
    register_actor_reference("certificates.BulkIssueJob", "created_by")
    register_exclusion(
        "certificates.BulkIssueChunk",
        "enrolment_ids",
        "Working data of a bulk issue: enrolment ids only, no personal data.",
    )
