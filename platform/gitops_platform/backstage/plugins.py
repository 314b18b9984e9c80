"""Dynamic plugins of Red Hat Developer Hub: typed, verifiable package references.

RHDH's ``install-dynamic-plugins`` init container reads ``global.dynamic.plugins[]``
(``package``, ``integrity``, ``disabled``, ``pluginConfig``). A package is one of
(RHDH ``docs/dynamic-plugins/installing-plugins.md``):

* a path inside the image, ``./dynamic-plugins/dist/<dir>`` (wrapped in the image: nothing to
  download, nothing to verify beyond the image tag);
* an OCI artifact ``oci://<registry>/<repo>:<tag>!<plugin>`` (pinned by its tag or digest);
* an npm package ``<name>@<exact version>`` or a ``.tgz``: **integrity required** (the
  installer refuses them without it), an SRI string ``sha512-<base64>`` as the registry
  publishes it (``npm view <pkg>@<version> dist.integrity``).

``disabled: false`` is written for every plugin: the RHDH 1.10 installer reads ``disabled``
only (``install-dynamic-plugins.py`` L914 on ``release-1.10``), newer ones accept it too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gitops_platform.errors import InvalidValueError, raise_all

__all__ = ["DynamicPlugin"]

_IMAGE_PATH = re.compile(r"^\./dynamic-plugins/dist/[a-z0-9][a-z0-9._-]*$")
_OCI = re.compile(
    r"^oci://[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})![A-Za-z0-9@/._-]+$"
)
_NPM = re.compile(r"^(@[a-z0-9][a-z0-9._-]*/)?[a-z0-9][a-z0-9._-]*@[0-9]+\.[0-9]+\.[0-9]+$")
_INTEGRITY = re.compile(r"^sha(256|384|512)-[A-Za-z0-9+/]+={0,2}$")


@dataclass(frozen=True)
class DynamicPlugin:
    """One entry of ``global.dynamic.plugins``.

    Attributes:
        package: ``./dynamic-plugins/dist/<dir>`` (in the image), ``oci://...:<tag>!<plugin>``,
            or ``<npm package>@<exact version>``.
        integrity: the registry's SRI hash of an npm package (required for npm, refused for
            the other forms, where it means nothing to the installer).
        plugin_config: the plugin's ``pluginConfig`` (Backstage configuration it brings, such
            as frontend mount points); replaces an included entry's one.
        source: where the reference was taken from (for the README and reviews).

    Raises:
        InvalidValueError | InvalidObjectError: a package in none of the forms above, an npm
            package without integrity (or with a malformed one).
    """

    package: str
    integrity: str | None = None
    plugin_config: Mapping[str, Any] = field(default_factory=dict, compare=False)
    source: str = ""

    def __post_init__(self) -> None:
        where = f"DynamicPlugin({self.package})"
        problems: list[InvalidValueError] = []
        package = self.package if isinstance(self.package, str) else ""
        npm = bool(_NPM.fullmatch(package))
        if not (_IMAGE_PATH.fullmatch(package) or _OCI.fullmatch(package) or npm):
            problems.append(
                InvalidValueError(
                    where,
                    "package",
                    self.package,
                    "./dynamic-plugins/dist/<dir>, oci://<image>:<tag>!<plugin> or "
                    "<npm package>@<exact version>",
                )
            )
        if npm and self.integrity is None:
            problems.append(
                InvalidValueError(
                    where,
                    "integrity",
                    None,
                    "the registry's SRI hash (npm view <pkg>@<version> dist.integrity); "
                    "the installer refuses npm packages without it",
                )
            )
        elif self.integrity is not None and (
            not npm
            or not isinstance(self.integrity, str)
            or not _INTEGRITY.fullmatch(self.integrity)
        ):
            problems.append(
                InvalidValueError(
                    where,
                    "integrity",
                    self.integrity,
                    "an SRI hash sha512-<base64> of an npm package; none for image paths "
                    "and OCI references",
                )
            )
        if not isinstance(self.plugin_config, Mapping):
            problems.append(
                InvalidValueError(where, "plugin_config", self.plugin_config, "a mapping")
            )
        raise_all(where, problems)

    def as_value(self) -> dict[str, Any]:
        """The ``global.dynamic.plugins[]`` item."""
        out: dict[str, Any] = {"package": self.package, "disabled": False}
        if self.integrity:
            out["integrity"] = self.integrity
        if self.plugin_config:
            out["pluginConfig"] = dict(self.plugin_config)
        return out
