"""Time spans and dates in the Latvian admin read as Latvian: Django's own
spans counted with the right forms after "pirms", and "tikko" for a moment
ago."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from wagtail.admin.templatetags.wagtailadmin_tags import (
    timesince_last_update,
    timesince_simple,
)


@pytest.mark.parametrize(
    ("ago", "latvian"),
    [
        (timedelta(seconds=20), "tikko"),
        (timedelta(minutes=1, seconds=5), "pirms 1 minūtes"),
        (timedelta(minutes=2, seconds=5), "pirms 2 minūtēm"),
        (timedelta(minutes=11, seconds=5), "pirms 11 minūtēm"),
        (timedelta(minutes=21, seconds=5), "pirms 21 minūtes"),
        (timedelta(hours=5, minutes=1), "pirms 5 stundām"),
    ],
)
def test_wagtail_time_spans_read_right(ago, latvian):
    """Not "2 minūte atpakaļ" nor "1 minūšu atpakaļ"."""
    with translation.override("lv"):
        shown = str(timesince_simple(timezone.now() - ago))
    assert shown.replace("\xa0", " ") == latvian


def test_days_and_weeks_ago():
    now = timezone.now()
    with translation.override("lv"):
        two = timesince_last_update(now - timedelta(days=2, minutes=3))
        one = timesince_last_update(now - timedelta(days=1, minutes=3))
    assert two.replace("\xa0", " ") == "pirms 2 dienām"
    assert one.replace("\xa0", " ") == "pirms 1 dienas"
    with translation.override("en"):
        assert timesince_last_update(now - timedelta(days=2, minutes=3)) == (
            "2\xa0days ago"
        )
