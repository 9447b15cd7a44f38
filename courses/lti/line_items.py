"""The grade column (AGS line item) of a resource link whose launch named only
the platform's line items URL: the worker finds the column the platform already
has for the link, or makes it, before the first score (LTI AGS 2.0, line item
service)."""

from __future__ import annotations

from typing import Any

import httpx
from django.conf import settings

from courses.catalogue.models import CoursePage, ModulePage
from courses.lti.models import LtiResourceLink
from courses.lti.services import LINEITEM_SCOPE, access_token, forget_token

LINEITEM_MEDIA_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
CONTAINER_MEDIA_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"


def line_item_url(client: httpx.Client, resource_link: LtiResourceLink) -> str:
    """The URL of the link's line item: the one its launch named, else the one
    found or made before (read again: another row of the same batch may have
    made it), else one found on the platform by our resource link id, else a new
    one. Stored on the link, so the platform gets one column per link.

    Raises ``httpx.HTTPError`` or ``ValueError`` when the platform does not
    answer as AGS says; the score is then retried later."""
    if resource_link.lineitem_url:
        return resource_link.lineitem_url
    stored = (
        LtiResourceLink.objects.filter(pk=resource_link.pk)
        .values_list("lineitem_url", flat=True)
        .first()
    )
    if not stored:
        stored = _find_or_create(client, resource_link)
        LtiResourceLink.objects.filter(pk=resource_link.pk).update(lineitem_url=stored)
    resource_link.lineitem_url = stored
    return stored


def _tag(resource_link: LtiResourceLink) -> str:
    """What the column follows, as deep linking tags the line items it asks for."""
    return "module" if resource_link.module_key else "course"


def _find_or_create(client: httpx.Client, resource_link: LtiResourceLink) -> str:
    if not resource_link.lineitems_url:
        raise ValueError("The launch named no line item and no line items URL.")
    registration = resource_link.deployment.registration
    token = access_token(client, registration, LINEITEM_SCOPE)
    authorization = {"Authorization": f"Bearer {token}"}
    # Added to the URL's own query (Moodle puts the tool's id there).
    query = httpx.URL(resource_link.lineitems_url).copy_merge_params(
        {"resource_link_id": resource_link.resource_link_id}
    )
    response = client.get(
        query, headers=authorization | {"Accept": CONTAINER_MEDIA_TYPE}
    )
    _check(response, resource_link)
    item = _ours(response.json(), resource_link)
    if item is None:
        response = client.post(
            resource_link.lineitems_url,
            json={
                "scoreMaximum": 100,
                "label": _label(resource_link),
                "resourceLinkId": resource_link.resource_link_id,
                "tag": _tag(resource_link),
            },
            headers=authorization
            | {"Content-Type": LINEITEM_MEDIA_TYPE, "Accept": LINEITEM_MEDIA_TYPE},
        )
        _check(response, resource_link)
        item = response.json()
    if not isinstance(item, dict) or not item.get("id"):
        raise ValueError("The platform's line item has no id.")
    url = str(item["id"])
    if len(url) > LtiResourceLink._meta.get_field("lineitem_url").max_length:
        raise ValueError("The platform's line item URL is too long to keep.")
    return url


def _check(response: httpx.Response, resource_link: LtiResourceLink) -> None:
    if response.status_code == 401:
        # A token the platform revoked early: fetch a new one on the retry.
        forget_token(resource_link.deployment.registration, LINEITEM_SCOPE)
    response.raise_for_status()


def _ours(items: Any, resource_link: LtiResourceLink) -> dict[str, Any] | None:
    """The line item the platform keeps for this link: one naming our resource
    link id (the column deep linking made has it), preferring our tag; or, from
    a platform that leaves the link id out of its filtered answer, one with our
    tag."""
    if not isinstance(items, list):
        raise ValueError("The platform's line items are not a list.")
    items = [item for item in items if isinstance(item, dict) and item.get("id")]
    tag = _tag(resource_link)
    mine = [
        item
        for item in items
        if str(item.get("resourceLinkId") or "") == resource_link.resource_link_id
    ]
    mine.sort(key=lambda item: item.get("tag") != tag)
    if not mine:
        mine = [
            item
            for item in items
            if not item.get("resourceLinkId") and item.get("tag") == tag
        ]
    return mine[0] if mine else None


def _label(resource_link: LtiResourceLink) -> str:
    """The column's name: the module's or course's title in the site's default
    language (any language when it has none), else the link's own title."""
    model, key = (
        (ModulePage, resource_link.module_key)
        if resource_link.module_key
        else (CoursePage, resource_link.course_key)
    )
    pages = model.objects.filter(translation_key=key)
    page = (
        pages.filter(locale__language_code=settings.LANGUAGE_CODE).first()
        or pages.first()
    )
    title = page.title if page is not None else resource_link.title
    return title or resource_link.resource_link_id
