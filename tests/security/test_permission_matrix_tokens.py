"""The permission matrix for personal API tokens: a token that may write gets
from each staff operation what the table (permission_table.py) says its
owner's session gets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from courses.api_tokens.tokens import create_token
from tests.security.conftest import ROLES
from tests.security.permission_requests import classify, send
from tests.security.permission_table import EXPECTED, expected_for

#: The staff operations, which also take a personal token.
STAFF_OPERATIONS = [key for key in EXPECTED if " /api/v1/staff/" in key]


@pytest.mark.parametrize("role", ROLES[1:])
def test_a_token_gets_what_its_owners_session_gets(world, role):
    """A token that may write acts with its owner's rights and no more: each
    staff operation answers it as the table says it answers the owner."""
    _token, secret = create_token(
        world.users[role], "Registry", "write", timezone.now() + timedelta(days=1)
    )
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_ACCEPT_LANGUAGE="en",
        raise_request_exception=False,
    )
    wrong = []
    for key in STAFF_OPERATIONS:
        with transaction.atomic():
            outcome = classify(send(client, world, key), key.split(" ")[0])
            transaction.set_rollback(True)
        if outcome != expected_for(key, role):
            wrong.append(f"{key}: expected {expected_for(key, role)}, got {outcome}")
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)
