"""A certificate as an Open Badges 3.0 ``OpenBadgeCredential``, signed as a VC-JWT.

The credential states what the certificate itself states, taken from its frozen
snapshot (titles, provider, hours, period, competences and levels, dates), so a
credential downloaded today says the same as one downloaded a year ago. The one
fact from outside the snapshot is the learner's e-mail address, and only as a
salted SHA-256 hash: wallets and verifiers match a recipient by e-mail, and the
hash lets the learner prove the badge is theirs without the address being read
off the credential.

Spec followed: Open Badges 3.0 revised for VC Data Model 2.0 (the 3.0.3 context),
"JSON Web Token Proof Format": the payload is the credential with the claims
``iss`` (issuer.id), ``jti`` (id), ``sub`` (credentialSubject.id), ``nbf``
(validFrom) and ``exp`` (validUntil) beside it; the header has only ``alg``,
``kid`` (a URI a verifier dereferences to the key) and ``typ`` "JWT".
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from joserfc import jwt

from certificates.models import Certificate
from certificates.printed import hours_in_words, texts_in_order
from certificates.signing import IssuerKey, current_key, publish
from certificates.verification import verification_url
from courses.quoting import quoted
from courses.site import base_url

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/"
    "ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
#: The media type of a VC secured as a JWT (W3C VC-JOSE-COSE).
MEDIA_TYPE = "application/vc+jwt"

# Alignment requires a URL for each target; a framework's official page is the
# closest thing to one per competence. Others fall back to the verification page,
# which lists the competences as printed.
FRAMEWORK_URLS = {
    "DigCompEdu": "https://joint-research-centre.ec.europa.eu/digcompedu_en",
    "EntreComp": "https://joint-research-centre.ec.europa.eu/"
    "entrecomp-entrepreneurship-competence-framework_en",
    "Skola2030": "https://www.skola2030.lv/",
}


class NoSigningKey(Exception):
    """The site has no signing key, so it can issue no credentials."""


class Replaced(Exception):
    """A re-issue replaced the certificate: its credential would state what the
    re-issue corrected, so it is no longer handed out (its revocation bit is
    set, see :mod:`certificates.openbadges.status_list`)."""

    def __init__(self, current: Certificate) -> None:
        super().__init__(current.serial)
        #: The certificate in force now, after every re-issue.
        self.current = current


def issuer_url() -> str:
    return base_url() + reverse("certificates:open_badges_issuer")


def jwks_url() -> str:
    return base_url() + reverse("certificates:open_badges_jwks")


def status_list_url() -> str:
    return base_url() + reverse("certificates:open_badges_status")


def issuer_profile() -> dict[str, Any]:
    """The issuer's ``Profile``, served at :func:`issuer_url`."""
    return {
        "@context": CONTEXT,
        "id": issuer_url(),
        "type": ["Profile"],
        "name": str(getattr(settings, "WAGTAIL_SITE_NAME", "") or base_url()),
        "url": base_url() + "/",
    }


def _secret(purpose: str, value: object) -> bytes:
    return hmac.new(
        settings.SECRET_KEY.encode(), f"{purpose}:{value}".encode(), hashlib.sha256
    ).digest()


def subject_id(certificate: Certificate) -> str:
    """The learner's identifier in their credentials: the same for all of them,
    and telling nothing about the person (a keyed hash of their account)."""
    return f"urn:uuid:{uuid.UUID(bytes=_secret('ob3-subject', certificate.user_id)[:16], version=4)}"


def utc(moment: datetime) -> str:
    """A moment as the DateTimeZ the spec writes: UTC, seconds, "Z"."""
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day(value: str) -> str:
    # A printed date as the schema's DateTime, its date part the one printed.
    return f"{value}T00:00:00Z"


def valid_until(expires: str) -> datetime:
    """A certificate valid "until" a date is valid through that day, site time."""
    next_day = date.fromisoformat(expires) + timedelta(days=1)
    return timezone.make_aware(datetime.combine(next_day, time.min))


def _identities(certificate: Certificate) -> list[dict[str, Any]]:
    identities = [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": certificate.snapshot["learner"],
        }
    ]
    email = certificate.user.email.strip().lower()
    if email:
        # Stable per certificate, so that the credential is the same each download.
        salt = _secret("ob3-salt", certificate.verification_code).hex()[:16]
        digest = hashlib.sha256((email + salt).encode()).hexdigest()
        identities.append(
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": f"sha256${digest}",
                "salt": salt,
            }
        )
    return identities


def _alignment(competence: dict[str, str], language: str, fallback: str) -> dict:
    name = (
        (competence["name_lv"] or competence["name"])
        if language == "lv"
        else (competence["name"])
    )
    alignment = {
        "type": ["Alignment"],
        "targetType": "ceasn:Competency",
        "targetFramework": competence["framework"],
        "targetCode": competence["code"],
        "targetName": f"{competence['code']} {name}",
        "targetUrl": FRAMEWORK_URLS.get(competence["framework"], fallback),
    }
    if competence["level"]:
        # The framework's proficiency level (e.g. DigCompEdu B1) reached: OB 3.0
        # has no level field on Alignment, and targetDescription is its free text.
        with translation.override(language):
            alignment["targetDescription"] = _("Level %(level)s") % {
                "level": competence["level"]
            }
    return alignment


def build_credential(certificate: Certificate) -> dict[str, Any]:
    """The certificate as an unsigned ``OpenBadgeCredential``."""
    data = certificate.snapshot
    texts = texts_in_order(data)
    languages = list(texts)
    courses = list(dict.fromkeys(t["course"] for t in texts.values()))
    title = " / ".join(courses)
    verify = verification_url(certificate.verification_code)
    achievement_key = uuid.UUID(str(certificate.course_key))
    hours_id = f"urn:uuid:{uuid.uuid5(achievement_key, 'academic-hours')}"
    narrative = []
    for language in languages:
        with translation.override(language):
            narrative.append(
                _(
                    "Completed the professional development programme "
                    "%(course)s (%(hours)s) and met its requirements."
                )
                % {
                    "course": quoted(texts[language]["course"]),
                    "hours": hours_in_words(data["hours"]),
                }
            )
    with translation.override(languages[0]):
        hours_name = _("Academic hours")
    status_list = status_list_url()
    credential: dict[str, Any] = {
        "@context": CONTEXT,
        "id": verify,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "issuer": {
            "id": issuer_url(),
            "type": ["Profile"],
            "name": " / ".join(dict.fromkeys(t["provider"] for t in texts.values())),
        },
        "validFrom": utc(certificate.issued_at),
        "credentialSubject": {
            "id": subject_id(certificate),
            "type": ["AchievementSubject"],
            "identifier": _identities(certificate),
            "activityStartDate": _day(data["period"]["start"]),
            "activityEndDate": _day(data["period"]["end"]),
            # Academic hours are a Result of a ResultDescription rather than
            # creditsEarned: OB's credits are credit hours of a credit system
            # (e.g. ECTS), which Latvian academic hours for teachers are not.
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": hours_id,
                    "value": data["hours"],
                }
            ],
            "achievement": {
                "id": f"urn:uuid:{achievement_key}",
                "type": ["Achievement"],
                "achievementType": "CertificateOfCompletion",
                "name": title,
                "description": "\n".join(courses),
                "criteria": {"narrative": "\n\n".join(narrative)},
                "resultDescription": [
                    {
                        "id": hours_id,
                        "type": ["ResultDescription"],
                        "name": hours_name,
                        "resultType": "ext:AcademicHours",
                    }
                ],
                "alignment": [
                    _alignment(c, languages[0], verify) for c in data["competences"]
                ],
            },
        },
        "credentialStatus": {
            "id": f"{status_list}#{certificate.pk}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.pk),
            "statusListCredential": status_list,
        },
        "credentialSchema": [SCHEMA],
    }
    if data["expires"]:
        credential["validUntil"] = utc(valid_until(data["expires"]))
    return credential


def sign(claims: dict[str, Any], key: IssuerKey | None = None) -> str:
    """``claims`` (a credential with its JWT claims) as a compact JWS."""
    key = key or current_key()
    if key is None:
        raise NoSigningKey
    # The kid is a URI a verifier dereferences (the spec's own example has this
    # form): the JWKS, and in it the key whose kid is the fragment.
    header = {"alg": key.algorithm, "kid": f"{jwks_url()}#{publish(key)}"}
    return jwt.encode(header, claims, key.jwk, algorithms=[key.algorithm])


def jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The registered JWT claims a VC-JWT carries beside the credential."""
    claims = {
        "iss": credential["issuer"]["id"]
        if isinstance(credential["issuer"], dict)
        else credential["issuer"],
        "jti": credential["id"],
        "sub": credential["credentialSubject"]["id"],
        "nbf": _timestamp(credential["validFrom"]),
    }
    if "validUntil" in credential:
        claims["exp"] = _timestamp(credential["validUntil"])
    return claims


def _timestamp(value: str) -> int:
    return int(datetime.fromisoformat(value).timestamp())


def sign_credential(certificate: Certificate, key: IssuerKey | None = None) -> str:
    """The certificate's Open Badge, signed: what the learner downloads. Raises
    :class:`Replaced` for a certificate a re-issue replaced."""
    if certificate.status == Certificate.Status.SUPERSEDED:
        raise Replaced(certificate.current_version())
    credential = build_credential(certificate)
    return sign({**credential, **jwt_claims(credential)}, key)


def replaced_message(certificate: Certificate, current: Certificate) -> str:
    """What the download of a replaced certificate's credential says."""
    return _(
        "Certificate %(old)s was replaced by certificate %(new)s; the Open Badge "
        "of %(old)s is revoked."
    ) % {"old": certificate.serial, "new": current.serial}


def filename(certificate: Certificate) -> str:
    return f"{certificate.serial}.jwt"
