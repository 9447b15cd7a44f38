"""Data protection: the registry of personal data, a person's export and its log.

Other apps declare their models through :mod:`courses.privacy.registry` from
their ``ready()``.
"""
