"""Backstage (Red Hat Developer Hub): the release, its dynamic plugins and its secrets."""

from gitops_platform.backstage.onboarding import OnboardedService, System, Team
from gitops_platform.backstage.platform_catalog import PlatformCatalog
from gitops_platform.backstage.plugins import DynamicPlugin
from gitops_platform.backstage.release import (
    DEFAULT_PLUGINS,
    DISCOVERY_RULES,
    BackstageObservability,
    BackstageRelease,
    PostgresConnection,
)

__all__ = [
    "DEFAULT_PLUGINS",
    "DISCOVERY_RULES",
    "BackstageObservability",
    "BackstageRelease",
    "DynamicPlugin",
    "OnboardedService",
    "PlatformCatalog",
    "PostgresConnection",
    "System",
    "Team",
]
