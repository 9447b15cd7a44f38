"""A person's name, as every way of giving one takes it: the sign-up form, the CSV
import and the staff API refuse the same characters, so what a certificate,
report or export prints is what a person can read; and the order every list of
people follows."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db.models import OrderBy
from django.utils.translation import gettext_lazy as _

from courses.collation import in_latvian_order

#: Unicode categories no name contains: control characters (NUL, tab, line
#: break), invisible formatting marks (U+202E, which shows the rest of the text
#: reversed; zero-width spaces), line and paragraph separators, private-use and
#: surrogate code points. A NUL alone is enough to make a spreadsheet unwritable.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})

# Parts of a double name; each part must be letters of any alphabet (Ā, Ū, ņ, ķ …):
# digits and other signs would end up printed on a certificate.
NAME_PARTS = re.compile(r"[ '’-]")


def validate_name_characters(value: str) -> None:
    """Refuse a name holding a character of :data:`REFUSED_CATEGORIES`."""
    if any(unicodedata.category(char) in REFUSED_CATEGORIES for char in value):
        raise ValidationError(
            _(
                "Names cannot contain control characters or invisible formatting "
                "marks (such as a tab, a line break or a text direction mark)."
            ),
            code="control_character",
        )


def clean_name(value: str) -> str:
    """A person's name as typed for a certificate: composed letters (macOS may
    send a + ̄ for ā), no control characters, runs of spaces closed up, and only
    letters between the spaces, hyphens and apostrophes of a double name."""
    value = unicodedata.normalize("NFC", value)
    validate_name_characters(value)
    value = " ".join(value.split())
    if not all(part.isalpha() for part in NAME_PARTS.split(value)):
        raise ValidationError(
            _("Use letters only, with a space or hyphen between parts of a name."),
            code="not_letters",
        )
    return value


def name_order(user: str = "user__", descending: bool = False) -> list[OrderBy]:
    """``order_by()`` arguments that list people by surname, then first name, in
    Latvian order, whichever language the list is read in; ``user`` is the path
    to the person ("" on the user model itself)."""
    sign = "-" if descending else ""
    return in_latvian_order(f"{sign}{user}last_name", f"{sign}{user}first_name")
