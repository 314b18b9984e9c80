"""The example components, composed in a scratch platform, pass the validation pipeline."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gitops_platform import (
    AcmeIssuer,
    CertManager,
    ComponentContext,
    ExternalSecrets,
    Gatekeeper,
    PlatformApp,
    PlatformComponent,
    Release,
    SelfSignedIssuer,
    Traefik,
    VaultStore,
)
from gitops_platform.validation.settings import Settings
from tests.conftest import ROOT
from tests.examples.chat_api import ChatApi, write_chart
from tests.examples.observability import Observability
from tests.examples.secret_bundle import SecretBundle
from tests.helpers import spec

UPSTREAM = Settings.make(ROOT, repo_root=ROOT).upstream
#: Every step that judges the rendered tree: freshness compares the repository's own tree with
#: its synth, and the secret scan needs the repository's audited baseline.
STEPS = "yamllint,kustomize,kubeconform,helm-values,helm-charts,helm-render,policies,argocd"


@dataclass(frozen=True, kw_only=True)
class BrokenObservability(Observability):
    """Grafana without an existing admin Secret: its chart then renders one, password inline."""

    def values(self, release: Release, ctx: ComponentContext) -> dict[str, Any]:
        values = dict(super().values(release, ctx))
        if release == self.grafana:
            values.pop("admin", None)
        return values


def platform(tmp_path: Path, observability: type[Observability]) -> list[PlatformComponent]:
    ingress = Traefik()
    tls = CertManager(
        issuers={
            "dev": SelfSignedIssuer(),
            "prd": AcmeIssuer(email="ops@example.com", ingress=ingress),
        }
    )
    secrets = ExternalSecrets(
        stores={
            "dev": VaultStore("https://vault.dev.example.com"),
            "prd": VaultStore("https://vault.example.com"),
        }
    )
    chart = write_chart(tmp_path / "src" / "charts" / "chat-api")
    return [
        tls,
        secrets,
        ingress,
        Gatekeeper(),
        observability(),
        SecretBundle(secrets=secrets, entries={"backstage-db": "backstage/db"}),
        ChatApi(ingress=ingress, tls=tls, chart_folder=chart),
    ]


def validate(repo: Path) -> subprocess.CompletedProcess[str]:
    shutil.copy(ROOT / ".yamllint.yaml", repo / ".yamllint.yaml")
    env = {
        **os.environ,
        "GITOPS_PLATFORM_BIN": str(ROOT / "bin"),
        "GITOPS_PLATFORM_CACHE": str(ROOT / ".build" / "validation-cache"),
        "GITOPS_PLATFORM_UPSTREAM": str(UPSTREAM),
    }
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "gitops-platform"), "validate", "dist", "--no-freshness",
         "--steps", STEPS],
        cwd=repo, capture_output=True, text=True, env=env, check=False, timeout=600,
    )  # fmt: skip


def test_one_of_each_kind_passes_validation(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    app = PlatformApp(spec(), platform(tmp_path, Observability))
    app.synth(repo / "dist")
    files = {p.relative_to(repo / "dist").as_posix() for p in (repo / "dist").rglob("*")}

    # two charts: one Application, one Helm source and its own values files per chart
    observability = app.application("observability", "prd").spec()
    charts = [s for s in observability["sources"] if "chart" in s]
    assert [(s["chart"], s["helm"]["releaseName"]) for s in charts] == [
        ("tempo", "tempo"),
        ("grafana", "grafana"),
    ]
    for release in ("tempo", "grafana"):
        for overlay in ("base", "dev", "prd"):
            assert f"infra/platform/values/observability/{release}/{overlay}.yaml" in files
    # manifests only: one Git path source, the folder its objects were rendered into
    bundle = app.application("team-secrets", "dev").spec()
    assert bundle["source"]["path"] == "dist/infra/base/addons/team-secrets"
    [secret] = yaml.safe_load_all(
        (repo / "dist/infra/base/addons/team-secrets/externalsecret-backstage-db.yaml").read_text()
    )
    assert secret["spec"]["secretStoreRef"] == {
        "name": "platform-secrets",
        "kind": "ClusterSecretStore",
    }
    # the apps project, a chart kept in the repository: a Git path source with value files
    chat = app.application("chat-api", "prd").spec()
    assert chat["project"] == "apps"
    [local] = [s for s in chat["sources"] if s.get("path")]
    assert local["path"] == "dist/apps/chat-api/chart"
    assert local["targetRevision"] == "env/prd"
    assert local["helm"]["valueFiles"] == [
        "$values/dist/apps/chat-api/values/values-base.yaml",
        "$values/dist/apps/chat-api/values/values-prd.yaml",
    ]
    assert "apps/chat-api/chart/Chart.yaml" in files
    base = yaml.safe_load((repo / "dist/apps/chat-api/values/values-base.yaml").read_text())
    assert base["ingress"] == {
        "className": "traefik",
        "annotations": {"cert-manager.io/cluster-issuer": "platform-tls"},
    }

    result = validate(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "validation passed" in result.stdout
    for step in STEPS.split(","):
        assert f"] {step}" in result.stdout


def test_a_broken_variant_fails_validation(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    PlatformApp(spec(), platform(tmp_path, BrokenObservability)).synth(repo / "dist")
    result = validate(repo)
    assert result.returncode != 0, result.stdout
    assert "policies     FAILED" in result.stdout
    assert "[Secret/monitoring/grafana]" in result.stdout
    assert "no-inline-secrets" in result.stdout
