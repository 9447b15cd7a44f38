"""The one place that issues, re-issues and revokes certificates; other code imports
from here.

- :mod:`~certificates.issuing.issue`: issuing (the snapshot, then the PDF and the
  e-mail), and how a run interrupted anywhere is finished;
- :mod:`~certificates.issuing.changes`: re-issuing (with its preview) and revoking;
- :mod:`~certificates.issuing.course_facts`: what every certificate of one course
  shares, gathered once (a bulk issue reuses it);
- :mod:`~certificates.issuing.steps`, :mod:`~certificates.issuing.errors`: what
  they share.
"""

from certificates.issuing.changes import (
    Change,
    Corrections,
    reissue,
    reissue_preview,
    revoke,
)
from certificates.issuing.course_facts import CourseFacts, course_facts, template_for
from certificates.issuing.errors import IssuingError, RevokedError
from certificates.issuing.issue import issue_certificate, issue_snapshot, was_revoked
from certificates.issuing.steps import learner_name

__all__ = [
    "Change",
    "Corrections",
    "CourseFacts",
    "IssuingError",
    "RevokedError",
    "course_facts",
    "issue_certificate",
    "issue_snapshot",
    "learner_name",
    "reissue",
    "reissue_preview",
    "revoke",
    "template_for",
    "was_revoked",
]
