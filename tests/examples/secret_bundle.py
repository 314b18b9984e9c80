"""A component with manifests only: ExternalSecrets for a team, through the platform's store.

No chart: the Application has one Git path source, the folder its manifests render into.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from cdk8s import ApiObject, ApiObjectMetadata, JsonPatch
from constructs import Construct

from gitops_platform import ComponentContext, ExternalSecrets, PlatformComponent


@dataclass(frozen=True, kw_only=True)
class SecretBundle(PlatformComponent):
    """One ``ExternalSecret`` per entry, each reading a Vault key through ``secrets``' store.

    Attributes:
        secrets: the External Secrets component whose store the ExternalSecrets read.
        entries: Kubernetes Secret name -> Vault key (every property of the key is copied).
    """

    secrets: ExternalSecrets
    entries: Mapping[str, str] = field(default_factory=dict)
    name: str = "team-secrets"
    namespace: str = "backstage"

    def uses(self) -> tuple[PlatformComponent, ...]:
        """The External Secrets component whose store the ExternalSecrets read."""
        return (self.secrets,)

    def manifests(self, scope: Construct, ctx: ComponentContext) -> None:
        """The same ExternalSecrets in every environment (each store points at its Vault)."""
        if ctx.env is not None:
            return
        for secret, key in sorted(self.entries.items()):
            obj = ApiObject(
                scope,
                secret,
                api_version="external-secrets.io/v1",
                kind="ExternalSecret",
                metadata=ApiObjectMetadata(
                    name=secret,
                    namespace=self.namespace,
                    labels={
                        "app.kubernetes.io/name": secret,
                        "app.kubernetes.io/part-of": ctx.platform.name,
                    },
                ),
            )
            obj.add_json_patch(
                JsonPatch.add(
                    "/spec",
                    {
                        "refreshInterval": "1h",
                        "secretStoreRef": self.secrets.store.as_dict(),
                        "target": {"name": secret, "creationPolicy": "Owner"},
                        "dataFrom": [{"extract": {"key": key}}],
                    },
                )
            )
