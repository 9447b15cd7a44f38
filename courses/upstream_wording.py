"""Django's and Wagtail's own words that ``courses/locale`` says better, marked
here so that ``makemessages`` keeps them there (the plugin's catalogue comes
before Django's and Wagtail's in ``INSTALLED_APPS``).

Django's Latvian catalogue counts with another plural formula than ours, and
once merged its forms land on the wrong numbers ("2 minūte", "1 minūšu"). Every
place that shows a span (Wagtail's "%(time_period)s ago", the task queue's
oldest job) says it after "pirms", so the forms are the ones "pirms" takes:
"pirms 1 minūtes", "pirms 2 minūtēm", "pirms 21 dienas". Nothing imports this
module at run time; ``tests/courses/test_latvian_dates.py`` reads the spans.
"""

from django.utils.translation import gettext_lazy, ngettext_lazy

TIME_SPANS = (
    ngettext_lazy("%(num)d year", "%(num)d years", "num"),
    ngettext_lazy("%(num)d month", "%(num)d months", "num"),
    ngettext_lazy("%(num)d week", "%(num)d weeks", "num"),
    ngettext_lazy("%(num)d day", "%(num)d days", "num"),
    ngettext_lazy("%(num)d hour", "%(num)d hours", "num"),
    ngettext_lazy("%(num)d minute", "%(num)d minutes", "num"),
)

#: Wagtail's Latvian "<Model> '<name>' izveidots" disagrees with every feminine
#: model ("E-mācību aktivitāte …izveidots"); ours names the record the way
#: Wagtail's other messages in courses/locale_wagtail do: "Ieraksts „…” (…) ir
#: izveidots.".
WAGTAIL_MESSAGES = (gettext_lazy("%(model_name)s '%(object)s' created."),)
