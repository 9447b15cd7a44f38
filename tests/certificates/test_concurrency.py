"""Serial numbers under concurrent issuing (PostgreSQL: real row locks)."""

from certificates.issuing import issue_certificate
from certificates.models import Certificate
from tests.certificates.conftest import completed_enrolment, make_template
from tests.concurrency import needs_row_locks, run_in_threads
from tests.factories import make_course_tree

pytestmark = needs_row_locks


def test_twenty_concurrent_issues_get_twenty_serials():
    """Twenty learners certified at once get twenty distinct, consecutive numbers."""
    make_template(with_images=False)
    course, lessons = make_course_tree(modules=1, lessons=1)
    enrolments = [completed_enrolment(course, lessons) for _ in range(20)]
    run_in_threads(
        [
            (lambda e=e: issue_certificate(e, how=Certificate.How.AUTOMATIC))
            for e in enrolments
        ]
    )
    serials = sorted(Certificate.objects.values_list("serial", flat=True))
    assert len(set(serials)) == 20
    assert [int(s[-6:]) for s in serials] == list(range(1, 21))


def test_twenty_concurrent_issues_for_one_learner_make_one():
    """The same enrolment issued twenty times at once has one valid certificate."""
    make_template(with_images=False)
    enrolment = completed_enrolment()
    run_in_threads(
        [
            (lambda: issue_certificate(enrolment, how=Certificate.How.AUTOMATIC))
            for _ in range(20)
        ]
    )
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
