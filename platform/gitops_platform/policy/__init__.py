"""The platform's policy set: Gatekeeper ConstraintTemplates (Rego) and constraints as data.

The same objects are rendered into the GitOps tree for Gatekeeper to enforce in the clusters and
evaluated in CI with the Gatekeeper CLI ``gator`` (``gitops_platform.validation.policies``).
See ``docs/policies.md``.
"""

from gitops_platform.policy.library import (
    CATALOG_LABEL,
    CLUSTER_ACTIONS,
    DEFAULT_EXEMPTIONS,
    HELM_VALUES_API_VERSION,
    HELM_VALUES_KIND,
    POLICIES,
    Exemption,
    PolicyDefinition,
    PolicySet,
    constraint_schemas,
    constraint_templates,
    constraints,
    helm_values_object,
    policy_objects,
    sync_config,
)

__all__ = [
    "CATALOG_LABEL",
    "CLUSTER_ACTIONS",
    "DEFAULT_EXEMPTIONS",
    "HELM_VALUES_API_VERSION",
    "HELM_VALUES_KIND",
    "POLICIES",
    "Exemption",
    "PolicyDefinition",
    "PolicySet",
    "constraint_schemas",
    "constraint_templates",
    "constraints",
    "helm_values_object",
    "policy_objects",
    "sync_config",
]
