"""Delivering an issued certificate: who may download it, its PDF rendered from
the snapshot and stored, and the learner e-mailed once."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractBaseUser
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from certificates.models import (
    Certificate,
)
from certificates.permissions import certificate_courses
from certificates.printed import hours_in_words, languages_of, texts_in_order
from certificates.rendering import get_renderer
from certificates.signing import current_key, publish, sign_pdf
from courses.people.languages import preferred_language
from courses.site import base_url


def may_download(user: AbstractBaseUser, certificate: Certificate) -> bool:
    """The learner it belongs to, and staff who may issue or revoke its course's
    certificates: for the PDF and the Open Badge alike."""
    if not user.is_authenticated or certificate.holder_erased_at is not None:
        return False
    if certificate.user_id == user.pk:
        return True
    return (
        user.is_active
        and certificate_courses(user)
        .filter(translation_key=certificate.course_key)
        .exists()
    )


def provider_of(snapshot: dict) -> str:
    """The issuing provider as the certificate prints it (its first language)."""
    texts = list(texts_in_order(snapshot).values())
    return texts[0]["provider"] if texts else ""


class ErasedHolder(Exception):
    """A tombstone has no PDF and gets none: its holder's data was erased."""


def ensure_pdf(certificate: Certificate) -> Certificate:
    """Render and store the PDF if the certificate has none yet (never for a
    tombstone: its holder's name is gone).

    Rendering runs outside any lock; should two workers render the same certificate,
    the first to store wins and the other's file is removed.
    """
    if certificate.pdf:
        return certificate
    if certificate.holder_erased_at is not None:
        raise ErasedHolder(certificate.serial)
    pdf = get_renderer().render(certificate)
    kid = ""
    key = current_key()
    if key is not None:
        pdf = sign_pdf(pdf, key, signer_name=provider_of(certificate.snapshot))
        kid = publish(key)
    name = default_storage.save(
        certificate.pdf.field.generate_filename(certificate, "certificate.pdf"),
        ContentFile(pdf),
    )
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.pdf:
            default_storage.delete(name)
        else:
            locked.pdf.name = name
            locked.rendered_at = timezone.now()
            locked.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            locked.signing_kid = kid
            locked.save(
                update_fields=["pdf", "rendered_at", "pdf_sha256", "signing_kid"]
            )
    certificate.pdf.name = locked.pdf.name
    certificate.rendered_at = locked.rendered_at
    certificate.pdf_sha256 = locked.pdf_sha256
    certificate.signing_kid = locked.signing_kid
    return certificate


def deliver(certificate: Certificate) -> Certificate:
    """The steps after the snapshot, each done at most once however often this runs:
    render and store the PDF, then e-mail the learner."""
    ensure_pdf(certificate)
    notify_once(certificate)
    return certificate


def notify_once(certificate: Certificate) -> bool:
    """E-mail the learner about their valid certificate unless it was done already;
    returns whether a message was sent.

    The message is sent inside the transaction that records ``emailed_at``, under a
    lock on the certificate: a failed send rolls back and is tried on the next run,
    and two runs at once cannot both send. Only a process killed after the mail
    server accepted the message and before the commit (a few milliseconds) can lead
    to a second message; the alternative, committing first, would lose it instead.
    """
    if certificate.emailed_at is not None or not certificate.user.email:
        return False
    with transaction.atomic():
        locked = (
            Certificate.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=certificate.pk)
        )
        if locked.emailed_at is not None or locked.status != Certificate.Status.VALID:
            return False
        notify_learner(locked)
        locked.emailed_at = timezone.now()
        locked.save(update_fields=["emailed_at"])
    certificate.emailed_at = locked.emailed_at
    return True


def notify_learner(certificate: Certificate) -> None:
    """E-mail the learner a link to their certificates, in the language they chose
    on the site, else the certificate's first language."""
    user = certificate.user
    if not user.email:
        return
    printed = languages_of(certificate.language)
    language = preferred_language(user, default=printed[0])
    texts = certificate.snapshot["texts"]
    with translation.override(language):
        context = {
            "certificate": certificate,
            "course": texts.get(language, texts[printed[0]])["course"],
            "hours": hours_in_words(certificate.snapshot["hours"]),
            "mine_url": base_url() + reverse("certificates:mine"),
            "verification_url": certificate.snapshot["verification_url"],
        }
        subject = render_to_string(
            "certificates/emails/issued_subject.txt", context
        ).strip()
        body = render_to_string("certificates/emails/issued_body.txt", context)
    send_mail(subject, body, None, [user.email])
