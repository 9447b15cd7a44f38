"""LTI 1.3: a platform's launch (Moodle, Canvas) becomes an account on our site.

Design and the remaining steps: docs/lti.md."""
