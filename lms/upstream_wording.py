"""Django's and django-allauth's own strings that our account pages show, marked
here so that ``makemessages`` copies them into ``lms/locale``.

Their Latvian catalogues mix registers ("Ievadi", "jums") and slip in the
grammar ("vismaz 8 rakstzīmei": the plural forms are swapped), so the whole
site would not speak the formal "Jūs" our pages use. ``LOCALE_PATHS`` is read
before any app's catalogue, so the translations in ``lms/locale`` win; nothing
imports this module at run time, and ``tests/lms/test_i18n.py`` checks that each
string below is shown in our wording.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

#: Singular/plural pairs, counted with a number (passwords' minimum length).
PLURAL = (
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        "min_length",
    ),
    ngettext_lazy(
        "Your password must contain at least %(min_length)d character.",
        "Your password must contain at least %(min_length)d characters.",
        "min_length",
    ),
)

SINGLE = (
    # django.contrib.auth
    gettext_noop("The password is too similar to the %(verbose_name)s."),
    gettext_noop(
        "Your password can’t be too similar to your other personal information."
    ),
    gettext_noop("Your password can’t be a commonly used password."),
    gettext_noop("Enter the same password as before, for verification."),
    gettext_noop("Your old password was entered incorrectly. Please enter it again."),
    # django-allauth
    gettext_noop("You must type the same password each time."),
    gettext_noop("You must type the same email each time."),
    gettext_noop("Please type your current password."),
    gettext_noop("Be patient, you are sending too many requests."),
    gettext_noop("Successfully signed in as %(name)s."),
    gettext_noop("You have signed out."),
    gettext_noop("You have confirmed %(email)s."),
    gettext_noop("Password successfully set."),
    gettext_noop("Password successfully changed."),
)
