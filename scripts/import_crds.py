"""Regenerate the CRD bindings in ``imports/`` with ``cdk8s import``.

The CRD list is the ``imports:`` section of ``cdk8s.yaml`` (upstream raw URLs pinned to release
tags). By default the same files are read from the local upstream data folder
(``GITOPS_PLATFORM_UPSTREAM``, default ``../shared/upstream``); ``--from-upstream`` downloads the
URLs instead. Before importing, every ``description`` is stripped (smaller, faster bindings, no
upstream prose in the tree), External Secrets providers the platform does not use are pruned
(the Keeper Security provider does not compile under jsii), and the CRDs are grouped into one
file per module, because ``cdk8s import`` replaces a module when one group is imported twice.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent

# (group, kind) -> binding module under gitops_platform.imports
MODULES: dict[tuple[str, str], str] = {
    ("argoproj.io", "Application"): "argocd",
    ("argoproj.io", "AppProject"): "argocd",
    # Ten times larger than the two above: its own module, loaded only by code that needs it.
    ("argoproj.io", "ApplicationSet"): "argocd_applicationset",
    ("external-secrets.io", "ExternalSecret"): "external_secrets",
    ("external-secrets.io", "SecretStore"): "external_secrets",
    ("external-secrets.io", "ClusterSecretStore"): "external_secrets",
    ("cert-manager.io", "Certificate"): "cert_manager",
    ("cert-manager.io", "Issuer"): "cert_manager",
    ("cert-manager.io", "ClusterIssuer"): "cert_manager",
    ("monitoring.coreos.com", "ServiceMonitor"): "prometheus_operator",
    ("monitoring.coreos.com", "PodMonitor"): "prometheus_operator",
    ("monitoring.coreos.com", "PrometheusRule"): "prometheus_operator",
    ("templates.gatekeeper.sh", "ConstraintTemplate"): "gatekeeper",
}

# External Secrets store providers kept in the bindings; the others are pruned.
ESO_PROVIDERS_KEPT = ("vault", "kubernetes", "fake")


def upstream_root() -> Path:
    """Return the configured upstream data folder."""
    return Path(os.environ.get("GITOPS_PLATFORM_UPSTREAM", ROOT.parent / "shared" / "upstream"))


def local_file(url: str) -> Path:
    """Map a pinned raw URL onto the same file in the local upstream data folder."""
    parts = url.split("/")
    tag, name = parts[5], parts[-1]
    crds = upstream_root() / "crds"
    if not crds.is_dir():
        sys.exit(
            f"error: upstream data not found at {crds}. Set GITOPS_PLATFORM_UPSTREAM to the folder "
            "holding crds/ (see its SOURCES.md), or run `make imports FROM=upstream` to download "
            "the URLs listed in cdk8s.yaml."
        )
    matches = sorted(crds.glob(f"*/{tag}/{name}"))
    if len(matches) != 1:
        sys.exit(
            f"error: {url}: expected one local copy under {crds}/*/{tag}/{name}, "
            f"found {len(matches)}"
        )
    return matches[0]


def strip_descriptions(node: Any) -> Any:
    """Drop every ``description`` key of an OpenAPI schema, recursively."""
    if isinstance(node, dict):
        return {k: strip_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [strip_descriptions(v) for v in node]
    return node


def prune_eso_providers(crd: dict[str, Any]) -> None:
    """Keep only the External Secrets providers the platform uses."""
    for version in crd["spec"]["versions"]:
        spec = version["schema"]["openAPIV3Schema"]["properties"].get("spec", {})
        provider = spec.get("properties", {}).get("provider")
        if provider and "properties" in provider:
            provider["properties"] = {
                k: v for k, v in provider["properties"].items() if k in ESO_PROVIDERS_KEPT
            }


def load(url: str, from_upstream: bool) -> list[dict[str, Any]]:
    if from_upstream:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (pinned https URL)
            text = response.read().decode()
    else:
        text = local_file(url).read_text()
    return [d for d in yaml.safe_load_all(text) if d]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--from-upstream", action="store_true", help="download the URLs in cdk8s.yaml"
    )
    parser.add_argument("--cdk8s", default=str(ROOT / "node_modules" / ".bin" / "cdk8s"))
    parser.add_argument("--output", default=str(ROOT / "imports"))
    args = parser.parse_args()

    config = yaml.safe_load((ROOT / "cdk8s.yaml").read_text())
    grouped: dict[str, list[dict[str, Any]]] = {}
    for url in config["imports"]:
        for doc in load(url, args.from_upstream):
            if doc.get("kind") != "CustomResourceDefinition":
                continue
            key = (doc["spec"]["group"], doc["spec"]["names"]["kind"])
            module = MODULES.get(key)
            if module is None:  # e.g. Gatekeeper's externaldata Provider in the same file
                continue
            crd = strip_descriptions(doc)
            if key[0] == "external-secrets.io":
                prune_eso_providers(crd)
            grouped.setdefault(module, []).append(crd)
    missing = set(MODULES.values()) - set(grouped)
    if missing:
        sys.exit(f"error: no CRD found for modules {sorted(missing)}")

    output = Path(args.output)
    with tempfile.TemporaryDirectory(prefix="crd-import-") as tmp:
        staging = Path(tmp) / "imports"
        for module, docs in sorted(grouped.items()):
            source = Path(tmp) / f"{module}.yaml"
            docs.sort(key=lambda d: d["spec"]["names"]["kind"])
            source.write_text(yaml.safe_dump_all(docs, sort_keys=True))
            print(
                f"importing {module}: {', '.join(d['spec']['names']['kind'] for d in docs)}",
                flush=True,
            )
            subprocess.run(
                [
                    args.cdk8s,
                    "import",
                    "--no-check-upgrade",
                    "--no-save",
                    "-l",
                    "python",
                    "-o",
                    str(staging),
                    f"{module}:={source}",
                ],
                check=True,
                cwd=tmp,
                stdout=subprocess.DEVNULL,
                # the CLI's own child-process call trips a Node deprecation notice; not ours
                env={**os.environ, "NODE_OPTIONS": "--no-deprecation"},
            )
        # swap in one step: a failed import leaves the committed bindings untouched
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(staging, output)
    print(f"bindings written to {output.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
