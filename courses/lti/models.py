"""Platforms registered to launch our courses, and who their users are here."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.integrations.models import OutboxRow


class LtiRegistration(models.Model):
    """One platform's registration of our tool: the values its administrator
    copies from the platform (Moodle: "View configuration details")."""

    name = models.CharField(_("name"), max_length=200)
    #: In the login URL, so that one issuer may register the tool several times.
    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    issuer = models.CharField(_("platform ID (issuer)"), max_length=255)
    client_id = models.CharField(_("client ID"), max_length=255)
    auth_login_url = models.URLField(_("authentication request URL"))
    auth_token_url = models.URLField(_("access token URL"))
    keyset_url = models.URLField(_("public keyset URL"))
    is_active = models.BooleanField(_("active"), default=True)
    trust_emails = models.BooleanField(
        _("trust the platform's e-mail addresses"),
        default=False,
        help_text=_(
            "A first launch then signs in to the existing account with the same "
            "confirmed e-mail address instead of making a new one. Only for a "
            "platform that confirms its users' addresses."
        ),
    )
    instructors_are_staff = models.BooleanField(
        _("instructors tutor their course here"),
        default=False,
        help_text=_(
            "A launch by the platform's instructor makes them a tutor of the "
            "cohort the launch enrols into, for that course only."
        ),
    )
    cohort_per_context = models.BooleanField(
        _("one cohort per platform course"),
        default=False,
        help_text=_(
            "Learners launching from one course on the platform join a cohort of "
            "their own, made on the first launch and named after that course. "
            "Used when no cohort is chosen below."
        ),
    )
    #: The cohort its launches enrol into, when it is a cohort of the launched
    #: course; otherwise learners are enrolled without a cohort.
    cohort = models.ForeignKey(
        "courses.Cohort",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lti_registrations",
        verbose_name=_("cohort"),
    )

    class Meta:
        verbose_name = _("LTI registration")
        verbose_name_plural = _("LTI registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "client_id"], name="lti_registration_unique_client"
            )
        ]

    def __str__(self) -> str:
        return self.name


class LtiDeployment(models.Model):
    """A deployment id the platform may launch with; any other is refused."""

    registration = models.ForeignKey(
        LtiRegistration,
        on_delete=models.CASCADE,
        related_name="deployments",
        verbose_name=_("registration"),
    )
    deployment_id = models.CharField(_("deployment ID"), max_length=255)

    class Meta:
        verbose_name = _("LTI deployment")
        verbose_name_plural = _("LTI deployments")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "deployment_id"],
                name="lti_deployment_unique_id",
            )
        ]

    def __str__(self) -> str:
        return self.deployment_id


class LtiIdentity(models.Model):
    """A platform's user (issuer and ``sub``) is one account here, for good."""

    issuer = models.CharField(_("platform ID (issuer)"), max_length=255)
    subject = models.CharField(_("user ID on the platform"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lti_identities",
        verbose_name=_("user"),
    )
    registration = models.ForeignKey(
        LtiRegistration,
        on_delete=models.SET_NULL,
        null=True,
        related_name="identities",
        verbose_name=_("registration"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("LTI identity")
        verbose_name_plural = _("LTI identities")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="lti_identity_unique_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"


class LtiToolKey(models.Model):
    """The public half of a key our tool has signed with, recorded the first time
    it is used. The private key stays in the settings (``LMS_LTI_TOOL_KEY``), as
    the certificates' signing key does; after a rotation the old public key stays
    in the JWKS until an administrator deactivates it, once the platforms' caches
    have fetched the new one."""

    kid = models.CharField(_("key id"), max_length=64, unique=True)
    public_jwk = models.JSONField(_("public key (JWK)"))
    is_active = models.BooleanField(_("published"), default=True)
    added_at = models.DateTimeField(_("first used"), auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("LTI tool key")
        verbose_name_plural = _("LTI tool keys")

    def __str__(self) -> str:
        return self.kid


class LtiResourceLink(models.Model):
    """A link on the platform that opens one of our courses, with the grade
    service's addresses its launches carry (updated on each launch, as a platform
    may move them)."""

    deployment = models.ForeignKey(
        LtiDeployment,
        on_delete=models.CASCADE,
        related_name="resource_links",
        verbose_name=_("deployment"),
    )
    resource_link_id = models.CharField(_("resource link ID"), max_length=255)
    context_id = models.CharField(_("context ID"), max_length=255, blank=True)
    title = models.CharField(_("title"), max_length=255, blank=True)
    #: The course's translation key: every translation shares one grade column.
    course_key = models.UUIDField(_("course"), null=True, blank=True)
    #: The module's translation key when the link opens one module: its grade
    #: column then follows that module's progress.
    module_key = models.UUIDField(_("module"), null=True, blank=True)
    #: The AGS line item (the grade column) scores are posted to.
    lineitem_url = models.URLField(_("line item URL"), max_length=500, blank=True)
    lineitems_url = models.URLField(_("line items URL"), max_length=500, blank=True)
    #: The roster (NRPS) of the link's platform course.
    memberships_url = models.URLField(
        _("course members URL"), max_length=500, blank=True
    )
    #: The AGS scopes the platform granted for this link.
    scopes = models.JSONField(_("grade service scopes"), default=list, blank=True)
    updated_at = models.DateTimeField(_("last launched"), auto_now=True)

    class Meta:
        verbose_name = _("LTI resource link")
        verbose_name_plural = _("LTI resource links")
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "resource_link_id"],
                name="lti_resource_link_unique_id",
            )
        ]

    def __str__(self) -> str:
        return self.resource_link_id


class LtiContext(models.Model):
    """A course on the platform (the launch's ``context``) and, for one of our
    courses, the cohort its learners join (registrations with one cohort per
    platform course)."""

    registration = models.ForeignKey(
        LtiRegistration,
        on_delete=models.CASCADE,
        related_name="contexts",
        verbose_name=_("registration"),
    )
    context_id = models.CharField(_("context ID"), max_length=255)
    course_key = models.UUIDField(_("course"))
    title = models.CharField(_("title"), max_length=255, blank=True)
    cohort = models.ForeignKey(
        "courses.Cohort",
        on_delete=models.CASCADE,
        related_name="lti_contexts",
        verbose_name=_("cohort"),
    )

    class Meta:
        verbose_name = _("LTI platform course")
        verbose_name_plural = _("LTI platform courses")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "context_id", "course_key"],
                name="lti_context_unique_course",
            )
        ]

    def __str__(self) -> str:
        return self.title or self.context_id


class LtiGradeLink(models.Model):
    """A learner who launched a resource link: their course progress is posted
    to that link's grade column under their platform ``sub``."""

    resource_link = models.ForeignKey(
        LtiResourceLink,
        on_delete=models.CASCADE,
        related_name="grade_links",
        verbose_name=_("resource link"),
    )
    identity = models.ForeignKey(
        LtiIdentity,
        on_delete=models.CASCADE,
        related_name="grade_links",
        verbose_name=_("LTI identity"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lti_grade_links",
        verbose_name=_("user"),
    )
    launched_at = models.DateTimeField(_("last launched"), auto_now=True)

    class Meta:
        verbose_name = _("LTI grade link")
        verbose_name_plural = _("LTI grade links")
        constraints = [
            models.UniqueConstraint(
                fields=["resource_link", "identity"], name="lti_grade_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.identity} → {self.resource_link}"


class LtiScorePassback(OutboxRow):
    """One score for one grade link, sent by the worker with retries. The event
    key names the state sent (percent and completion), so the same state is
    queued once."""

    event = models.CharField(_("event"), max_length=40, default="lti.score")
    grade_link = models.ForeignKey(
        LtiGradeLink,
        on_delete=models.CASCADE,
        related_name="passbacks",
        verbose_name=_("grade link"),
    )

    class Meta:
        verbose_name = _("LTI score passback")
        verbose_name_plural = _("LTI score passbacks")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["grade_link", "event_key"], name="lti_one_passback_per_state"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return self.event_key
