from django.dispatch import Signal

#: Sent after the transaction commits when an enrolment becomes completed.
#: Arguments: ``enrolment`` (a :class:`courses.models.Enrolment`).
course_completed = Signal()
