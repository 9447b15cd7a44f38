"""Webhooks and xAPI statements: what happens in the courses, told to other systems.

Every event goes through :func:`courses.integrations.events.emit`, which only writes
rows; the task worker delivers them (:mod:`.delivery`)."""
