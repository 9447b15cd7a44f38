"""Every certificate as an Open Badges 3.0 credential: an ``OpenBadgeCredential``
built from the certificate's frozen snapshot and signed as a VC-JWT with the
issuer's key, with the issuer's profile, public keys (JWKS) and revocation list
(W3C Bitstring Status List) published at stable URLs.

Followed: Open Badges 3.0 as revised for the Verifiable Credentials Data Model
2.0 (context ``context-3.0.3.json``; its "JSON Web Token Proof Format": the JWT
payload is the credential itself with ``iss``, ``jti``, ``sub``, ``nbf`` and
``exp`` beside it, no ``vc`` wrapper; header ``alg``, ``kid`` as a URI, ``typ``
"JWT") and W3C Bitstring Status List v1.0.
"""

from certificates.openbadges.credential import build_credential, sign_credential
from certificates.openbadges.status_list import status_list_jwt

__all__ = ["build_credential", "sign_credential", "status_list_jwt"]
