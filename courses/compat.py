"""What differs between the Wagtail versions the plugin supports (7.4 LTS, 8.0)."""

from __future__ import annotations

from django.db.models import Model
from wagtail.permission_policies import BasePermissionPolicy

try:
    from wagtail.permissions import register_permission_policy
except ImportError:  # Wagtail 7.4: viewsets carry their policy themselves.
    register_permission_policy = None


def use_permission_policy(model: type[Model], policy: BasePermissionPolicy) -> None:
    """Make ``policy`` the model's policy everywhere Wagtail 8 asks for one (its
    usage and history views, choosers). On 7.4 the viewsets' own
    ``permission_policy`` is what counts."""
    if register_permission_policy is not None:
        register_permission_policy(model, policy)
