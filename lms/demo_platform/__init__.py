"""A stand-in for a university's Moodle on the demo (``make demo``): it launches
the demo courses over LTI 1.3 as a learner or a teacher, lets the teacher add a
course by deep linking, and keeps a gradebook of the scores the tool sends back.
Only with ``DEBUG`` and the development packages (lti1p3platform)."""
