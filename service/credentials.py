"""Token credentials (azure-identity) for the identities that service/connections.py resolved.

azure-identity costs ~0.4 s to import (msal, cryptography), so it is imported here, on first use,
and only when an identity is configured: the predict cold path and the Azurite path never load it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.connections import TokenIdentity

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential


def build_credential(identity: TokenIdentity) -> TokenCredential:
    """The app's managed identity (user-assigned when a client id is given), else DefaultAzureCredential."""
    if identity.managed:
        from azure.identity import ManagedIdentityCredential

        return ManagedIdentityCredential(client_id=identity.client_id or None)
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()
