"""Fetching the upstream reference data (CRDs, the Vector config schema) at their pinned tags.

``gitops-platform upstream --fetch`` (and the repository's ``make upstream``) download the files
the pipeline reads through ``GITOPS_PLATFORM_UPSTREAM`` into that layout; each download must
match its pinned sha256 (a moved tag or a tampered file fails), and nothing is written unless
every file arrived intact. The sources are raw files of the projects' GitHub repositories at
their release tags (``crds/SOURCES.md`` of the shared data lists the same URLs).

Charts are not downloaded: without the offline chart mirror (``<upstream>/chart-repos``) the
pipeline pulls each pinned chart from its own repository with ``helm pull`` and reads the
charts' ``values.yaml`` and ``values.schema.json`` from those archives.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import urllib.request
from collections.abc import Callable
from pathlib import Path

from gitops_platform.errors import UpstreamDataError

__all__ = ["FETCH_COMMAND", "FILES", "fetch_upstream"]

#: The command that downloads the upstream data (what the hints name).
FETCH_COMMAND = "gitops-platform upstream --fetch"

RAW = "https://raw.githubusercontent.com"
ARGO = f"{RAW}/argoproj/argo-cd/v3.5.1/manifests/crds"
ESO = f"{RAW}/external-secrets/external-secrets/v2.9.0/config/crds/bases"
CM = f"{RAW}/cert-manager/cert-manager/v1.21.1/deploy/crds"
PO = f"{RAW}/prometheus-operator/prometheus-operator/v0.93.0/example/prometheus-operator-crd"
GK = f"{RAW}/open-policy-agent/gatekeeper/v3.23.0/config/crd/bases"
VECTOR = f"{RAW}/SchemaStore/schemastore/3b6446ad8a077bac56f4a4796c0b7fd88927fc8e/src/schemas/json"

# (path under the upstream folder, URL, sha256)
FILES: tuple[tuple[str, str, str], ...] = (
    (
        "crds/argo-cd/v3.5.1/application-crd.yaml",
        f"{ARGO}/application-crd.yaml",
        "5dde0e229249b6b707beb98674c1deae3949d5c319a6c45b9f5a80c99618e40c",
    ),
    (
        "crds/argo-cd/v3.5.1/appproject-crd.yaml",
        f"{ARGO}/appproject-crd.yaml",
        "ab225266944322750136f1198d93786e4a79a0e43c8d149abfba44da30a3eac8",
    ),
    (
        "crds/argo-cd/v3.5.1/applicationset-crd.yaml",
        f"{ARGO}/applicationset-crd.yaml",
        "7d282054f41ca2b71a22bab04a8caf0000e07e53a62432e6ea292dae5ab4f07d",
    ),
    (
        "crds/external-secrets/v2.9.0/external-secrets.io_externalsecrets.yaml",
        f"{ESO}/external-secrets.io_externalsecrets.yaml",
        "5044be5a610ca90a075f34f03ed20b462695c43387ba9410db7f4250e47b1e2f",
    ),
    (
        "crds/external-secrets/v2.9.0/external-secrets.io_secretstores.yaml",
        f"{ESO}/external-secrets.io_secretstores.yaml",
        "7f750858d393913915a2f15daff9e1d2f56ca207c09920c055d7a68cceacb641",
    ),
    (
        "crds/external-secrets/v2.9.0/external-secrets.io_clustersecretstores.yaml",
        f"{ESO}/external-secrets.io_clustersecretstores.yaml",
        "f847c69ae317a76527fc37c163ddfe15d9026e14eb47dd325319e914e0433c2a",
    ),
    (
        "crds/external-secrets/v2.9.0/external-secrets.io_clusterexternalsecrets.yaml",
        f"{ESO}/external-secrets.io_clusterexternalsecrets.yaml",
        "9f5563a19efb4bce47f3916937eac160eae1eaec56560e4f6f77b1b2047a8664",
    ),
    (
        "crds/cert-manager/v1.21.1/cert-manager.io_certificates.yaml",
        f"{CM}/cert-manager.io_certificates.yaml",
        "7ad91029c00ec959d54215b19d3b1a9b7e0247eaa60f987151c2b70d8661f8af",
    ),
    (
        "crds/cert-manager/v1.21.1/cert-manager.io_issuers.yaml",
        f"{CM}/cert-manager.io_issuers.yaml",
        "05e37efb02777e0362d24269fa103c2fc11419f9c85e31854ef873e5d9e5c5cc",
    ),
    (
        "crds/cert-manager/v1.21.1/cert-manager.io_clusterissuers.yaml",
        f"{CM}/cert-manager.io_clusterissuers.yaml",
        "30008001b78aafb8e110af61359561104b5fafc3a4dc6ac0013245d0ee3fe4ca",
    ),
    (
        "crds/prometheus-operator/v0.93.0/monitoring.coreos.com_servicemonitors.yaml",
        f"{PO}/monitoring.coreos.com_servicemonitors.yaml",
        "a99047972c9dd7679ce2050b9968e8a08773492e671b3e17abd476d42aa78a32",
    ),
    (
        "crds/prometheus-operator/v0.93.0/monitoring.coreos.com_podmonitors.yaml",
        f"{PO}/monitoring.coreos.com_podmonitors.yaml",
        "45a93443daa687d3654f7e9631909ff7edcdf3ec09c5e60251b74aa2722aee5d",
    ),
    (
        "crds/prometheus-operator/v0.93.0/monitoring.coreos.com_prometheusrules.yaml",
        f"{PO}/monitoring.coreos.com_prometheusrules.yaml",
        "78be98554b9c8506ab2b4f4feb91c5f3a56e536a0a510f3a8e876a459970d56d",
    ),
    (
        "crds/gatekeeper/v3.23.0/constrainttemplate-customresourcedefinition.yaml",
        f"{GK}/constrainttemplate-customresourcedefinition.yaml",
        "b656deb7ee4bbf5d174d37e397f3be835f37b169b5f0cce21239ca3da742a22e",
    ),
    (
        "vector/0.54.0/vector-config.schema.json",
        f"{VECTOR}/vector.json",
        "f86c31ca14a27ca38f9547f6fc15eb27b65350f5adb1f2e2bf3ebbadd773bc7f",
    ),
)


def _download(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (pinned https)
        data: bytes = response.read()
    return data


def fetch_upstream(
    target: Path,
    opener: Callable[[str], bytes] | None = None,
    echo: Callable[[str], None] = print,
) -> list[str]:
    """Download every file of :data:`FILES` into ``target``, all or nothing.

    Args:
        target: the upstream folder to create or replace (what ``GITOPS_PLATFORM_UPSTREAM``
            names); files other than these are kept (a chart mirror beside them stays).
        opener: reads a URL's bytes (default: an HTTPS download with a 60 s timeout).
        echo: where progress lines go.

    Returns:
        The paths written, relative to ``target``.

    Raises:
        UpstreamDataError: a download failed or a file's sha256 is not the pinned one; then
            ``target`` is left as it was.

    """
    read = opener or _download
    with tempfile.TemporaryDirectory(prefix="gitops-upstream-") as tmp:
        staging = Path(tmp)
        for relpath, url, sha256 in FILES:
            try:
                data = read(url)
            except OSError as error:
                raise UpstreamDataError(
                    f"{url}: download failed ({error}); the upstream data needs GitHub "
                    "(raw.githubusercontent.com) to be reachable, or copy an existing upstream "
                    "folder and point GITOPS_PLATFORM_UPSTREAM at it"
                ) from error
            digest = hashlib.sha256(data).hexdigest()
            if digest != sha256:
                raise UpstreamDataError(
                    f"{url}: sha256 {digest}, expected the pinned {sha256} (a moved tag or a "
                    f"changed file); nothing was written to {target}"
                )
            path = staging / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            echo(f"fetched {relpath}")
        written = []
        for relpath, _url, _sha in FILES:
            path = target / relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(staging / relpath, path)
            written.append(relpath)
    return written
