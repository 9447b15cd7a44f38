"""Our side of the protocol for pylti1p3: which registrations and deployments
exist, and a launch that refuses a replayed ``id_token``."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from pylti1p3.contrib.django import DjangoMessageLaunch
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from courses.lti.models import LtiDeployment, LtiRegistration

#: How long a used nonce is remembered: longer than any ``id_token`` lives
#: (platforms sign them for minutes; pylti1p3 allows a small clock leeway).
USED_NONCE_SECONDS = 60 * 60


class ToolConfig(ToolConfAbstract):
    """Registrations and deployments from the database; an issuer may have many
    clients, so lookups always use the client id the token carries."""

    def __init__(self, registration_uuid: str | None = None) -> None:
        super().__init__()
        self.registration_uuid = registration_uuid
        self.registration: LtiRegistration | None = None

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def find_registration_by_issuer(
        self, iss: str, *args: Any, **kwargs: Any
    ) -> Registration | None:
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(
        self, iss: str, client_id: str | None, *args: Any, **kwargs: Any
    ) -> Registration | None:
        lookups: dict[str, Any] = {"issuer": iss, "is_active": True}
        if client_id is not None:
            lookups["client_id"] = client_id
        if self.registration_uuid is not None:
            lookups["uuid"] = self.registration_uuid
        self.registration = LtiRegistration.objects.filter(**lookups).first()
        if self.registration is None:
            return None
        return (
            Registration()
            .set_issuer(self.registration.issuer)
            .set_client_id(self.registration.client_id)
            .set_auth_login_url(self.registration.auth_login_url)
            .set_auth_token_url(self.registration.auth_token_url)
            .set_key_set_url(self.registration.keyset_url)
        )

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(
        self,
        iss: str,
        deployment_id: str,
        client_id: str | None,
        *args: Any,
        **kwargs: Any,
    ) -> Deployment | None:
        """Only deployments the administrator listed: an unknown one is refused,
        never recorded."""
        known = LtiDeployment.objects.filter(
            registration__issuer=iss,
            registration__is_active=True,
            deployment_id=deployment_id,
        )
        if client_id is not None:
            known = known.filter(registration__client_id=client_id)
        if not known.exists():
            return None
        return Deployment().set_deployment_id(deployment_id)


class MessageLaunch(DjangoMessageLaunch):
    """pylti1p3 checks the nonce was issued but does not consume it, so the same
    ``id_token`` could be posted again while it lives; here it is used once."""

    def validate(self) -> MessageLaunch:
        super().validate()
        body = self.get_launch_data()
        key = f"lti:nonce:{body['iss']}:{body['nonce']}"
        if not cache.add(key, True, USED_NONCE_SECONDS):
            raise LtiException("Nonce already used")
        return self
