"""The permission matrix: every URL of the site and every operation of the API
has a row in the table (permission_table.py), and each role gets what its row
says, request by request."""

from __future__ import annotations

import pytest

from tests.security.conftest import ROLES
from tests.security.permission_requests import cells, observe
from tests.security.permission_table import EXPECTED, expected_for


def test_every_url_and_operation_has_a_row():
    """A URL or API operation added without deciding who may use it fails."""
    missing = []
    for key in cells():
        try:
            expected_for(key, "anonymous")
        except KeyError:
            missing.append(key)
    assert missing == [], "Rows missing from EXPECTED:\n" + "\n".join(missing)
    assert set(EXPECTED) <= set(cells()), set(EXPECTED) - set(cells())


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_table_says(world, role):
    wrong = []
    checked = 0
    for key in cells():
        try:
            expected = expected_for(key, role)
        except KeyError:
            continue
        if expected == "-":
            continue
        checked += 1
        outcome = observe(world, role, key)
        if outcome != expected:
            wrong.append(f"{key}: expected {expected}, got {outcome}")
    assert wrong == [], f"{role}:\n" + "\n".join(wrong)
    print(f"{role}: {checked} cells")
