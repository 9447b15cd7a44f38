"""Our side of the protocol for pylti1p3: which registrations and deployments
exist, and a launch that refuses a replayed ``id_token``."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.cache import cache
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch
from pylti1p3.deployment import Deployment
from pylti1p3.exception import LtiException
from pylti1p3.launch_data_storage.base import DisableSessionId
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


#: How long a platform's public keys are kept, so that a launch costs no request
#: to the platform. A token signed by a key not in the kept set fetches the set
#: afresh once: a platform's new key works at once.
PLATFORM_KEYS_SECONDS = 60 * 60


class MessageLaunch(DjangoMessageLaunch):
    """pylti1p3 checks the nonce was issued but does not consume it, so the same
    ``id_token`` could be posted again while it lives; here it is used once.
    The platform's keys are cached rather than fetched on every launch."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_public_key_caching(DjangoCacheDataStorage(), PLATFORM_KEYS_SECONDS)

    def get_public_key(self) -> tuple[str, str]:
        try:
            return super().get_public_key()
        except LtiException:
            storage = self._public_key_cache_data_storage
            if storage is None or self._registration is None:
                raise
            # The kept set may predate the platform's rotation: ask again, once.
            self._public_key_cache_data_storage = None
            try:
                self._registration.set_key_set(None)
                found = super().get_public_key()
            finally:
                self._public_key_cache_data_storage = storage
            # Keep the new set, under pylti1p3's own key for it.
            url = self._registration.get_key_set_url() or ""
            with DisableSessionId(storage):
                storage.set_value(
                    "key-set-url-" + hashlib.md5(url.encode()).hexdigest(),
                    self._registration.get_key_set(),
                    PLATFORM_KEYS_SECONDS,
                )
            return found

    def validate(self) -> MessageLaunch:
        super().validate()
        body = self.get_launch_data()
        key = f"lti:nonce:{body['iss']}:{body['nonce']}"
        if not cache.add(key, True, USED_NONCE_SECONDS):
            raise LtiException("Nonce already used")
        return self
