"""The Open Badges URLs: the issuer's profile, keys and revocation list (public),
and one certificate's credential for its owner."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header

from certificates.delivery import may_download
from certificates.models import Certificate, SigningKey
from certificates.openbadges.credential import (
    MEDIA_TYPE,
    NoSigningKey,
    Replaced,
    filename,
    issuer_profile,
    replaced_message,
    sign_credential,
)
from certificates.openbadges.status_list import status_list_jwt
from certificates.signing.keys import public_jwk
from courses.people.languages import in_chosen_language
from courses.site import base_url


def issuer(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(issuer_profile())
    patch_cache_control(response, public=True, max_age=3600)
    return response


def jwks(request: HttpRequest) -> HttpResponse:
    """Every public key the issuer ever signed with: credentials signed before a
    rotation still verify."""
    keys = [public_jwk(key.certificate_pem) for key in SigningKey.objects.all()]
    response = JsonResponse({"keys": keys})
    # Short, so that a new key is seen soon after a rotation.
    patch_cache_control(response, public=True, max_age=300)
    return response


def revocation_list(request: HttpRequest) -> HttpResponse:
    try:
        token = status_list_jwt()
    except NoSigningKey:
        raise Http404 from None
    response = HttpResponse(token, content_type=MEDIA_TYPE)
    # Revoking takes effect at the next look-up.
    patch_cache_control(response, no_cache=True)
    return response


@in_chosen_language
def download(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = Certificate.objects.select_related("user").filter(pk=pk).first()
    # The PDF's rule, and 404 for everyone else alike.
    if certificate is None or not may_download(request.user, certificate):
        raise Http404
    try:
        token = sign_credential(certificate)
    except NoSigningKey:
        raise Http404 from None
    except Replaced as replaced:
        return _replaced(request, certificate, replaced.current)
    response = HttpResponse(token, content_type=MEDIA_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename(certificate)
    )
    return response


def _replaced(
    request: HttpRequest, certificate: Certificate, current: Certificate
) -> HttpResponse:
    """410 Gone: a page naming the certificate in force, with its credential and
    verification page, and the same as a ``successor-version`` link (RFC 5829)
    for a program."""
    response = TemplateResponse(
        request,
        "certificates/open_badge_replaced.html",
        {"message": replaced_message(certificate, current), "current": current},
        status=410,
    )
    response["Link"] = (
        f'<{base_url()}{current.get_open_badge_url()}>; rel="successor-version"'
    )
    return response
