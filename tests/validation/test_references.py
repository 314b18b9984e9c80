"""Step 9 (references) and the Argo CD sync-time rules: a known-bad fixture for every rule, the
good case, the rules as data, what the step cannot see, and the defects injected into a copy of
``dist/`` validated as a foreign tree through the command line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from gitops_platform.validation.argo_sync import (
    SYNC_OPTIONS_ANNOTATION,
    check_sync_rules,
    json_size,
)
from gitops_platform.validation.argo_tree import AppSource, ArgoApp, ArgoInventory, GitPathRender
from gitops_platform.validation.pipeline import resolve_steps, validate_tree
from gitops_platform.validation.references import (
    CHECKS,
    CLUSTER_SECRET_STORE,
    EXTERNAL_OBJECTS,
    RULES,
    SECRET,
    SERVICE,
    STORAGE_CLASS,
    ExternalObject,
    ObjectSet,
    Placed,
    check_references,
    run_references,
)
from gitops_platform.validation.report import Document, Status, StepResult
from gitops_platform.validation.settings import Settings
from tests.conftest import ROOT, find_tool

FIXTURES = ROOT / "tests" / "fixtures" / "validation" / "references"
OBJECTS = "infra/shop/objects.yaml"


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    for tool in ("kustomize", "helm"):
        find_tool(tool)


def step(tree: Path, name: str) -> StepResult:
    settings = Settings.make(tree, repo_root=ROOT, freshness=False)
    report = validate_tree(settings, resolve_steps([name]))
    return next(r for r in report.results if r.name == name)


# -- the fixtures: one known-bad case per rule, and the good case ----------------------------


@pytest.mark.parametrize(
    ("case", "name"),
    [
        ("good", "references"),
        ("argocd-good", "argocd"),
        ("large-crd-server-side", "argocd"),
        ("create-namespace-name-glob", "argocd"),
    ],
)
def test_the_good_cases_pass(case: str, name: str) -> None:
    outcome = step(FIXTURES / case, name)
    assert outcome.status is Status.PASSED, [f.render() for f in outcome.findings]


def test_the_good_case_resolves_every_kind_of_reference() -> None:
    tree = FIXTURES / "good"
    objects = [
        Placed(Document(OBJECTS, i, obj), _namespace(obj))
        for i, obj in enumerate(yaml.safe_load_all((tree / OBJECTS).read_text()))
    ]
    values = yaml.safe_load((tree / "infra/values/shop/base.yaml").read_text())
    findings, checked, external, unverified = check_references(
        ObjectSet("tree", objects, [("infra/values/shop/base.yaml", values)])
    )
    assert findings == []
    assert unverified == {}
    # Every rule of the table and every rule with its own code had something to resolve.
    assert checked == 31
    assert sorted(external) == [
        "ConfigMap */kube-root-ca.crt (published into every namespace by kube-controller-manager "
        "(root CA certificate publisher))",
        "PriorityClass system-cluster-critical (built into Kubernetes)",
        "ServiceAccount */default (created in every namespace by the ServiceAccount controller)",
    ]


BAD_CASES: list[tuple[str, str, str, str, str]] = [
    # case, step, rule, field, message
    ("secret-missing", "references", "references/secret",
     "spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name",
     "no Secret shop/shop-db in the tree; a Secret of that name exists in namespace billing, "
     "not in shop"),
    ("ingress-tls-secret", "references", "references/secret", "spec.tls[0].secretName",
     "no Secret shop/shop-tls in the tree"),
    ("configmap-missing", "references", "references/configmap",
     "spec.template.spec.volumes[3].configMap.name", "no ConfigMap shop/shop-config in the tree"),
    ("serviceaccount-missing", "references", "references/serviceaccount",
     "spec.template.spec.serviceAccountName", "no ServiceAccount shop/shop-runner in the tree"),
    ("pvc-missing", "references", "references/pvc",
     "spec.template.spec.volumes[2].persistentVolumeClaim.claimName",
     "no PersistentVolumeClaim shop/shop-date in the tree; did you mean shop-data?"),
    ("storageclass-missing", "references", "references/storageclass", "spec.storageClassName",
     "no StorageClass gp3 in the tree"),
    ("secretstore-kind", "references", "references/secretstore", "spec.secretStoreRef.name",
     "no SecretStore shop/platform-secrets in the tree; a ClusterSecretStore of that name "
     "exists: set kind: ClusterSecretStore"),
    ("issuerref-kind", "references", "references/issuer", "spec.issuerRef.name",
     "no Issuer shop/platform-tls in the tree; a ClusterIssuer of that name exists: set kind: "
     "ClusterIssuer"),
    ("ingress-issuer-annotation", "references", "references/issuer",
     "metadata.annotations.cert-manager.io/issuer",
     "no Issuer shop/platform-tls in the tree; a ClusterIssuer of that name exists: use the "
     "annotation cert-manager.io/cluster-issuer"),
    ("ingressclass-missing", "references", "references/ingressclass", "spec.ingressClassName",
     "no IngressClass nginx in the tree"),
    ("service-backend-port", "references", "references/service",
     "spec.rules[0].http.paths[0].backend.service.name",
     "Service shop/shop in the tree has no port named https (its ports: http:80, metrics:9090)"),
    ("servicemonitor-selects-nothing", "references", "references/monitor", "spec.selector",
     "spec.selector {app.kubernetes.io/name=shopp} selects no Service in namespace shop in the "
     "tree: Prometheus scrapes nothing"),
    ("servicemonitor-port", "references", "references/monitor", "spec.endpoints[0].port",
     "no selected Service has a port named prometheus in the tree"),
    ("podmonitor-port", "references", "references/monitor", "spec.podMetricsEndpoints[0].port",
     "no selected Pod has a port named 9090 in the tree (selected: Deployment/shop/shop; named "
     "ports: http, metrics)"),
    ("url-port", "references", "references/url", "data.upstream",
     "Service shop/shop in the tree has no port 8443 (URL https://shop.shop.svc:8443)"),
    ("url-in-values", "references", "references/url", "backend.url",
     "no Service shop/shop-api in the tree (URL http://shop-api.shop.svc.cluster.local:8080)"),
    ("priorityclass-missing", "references", "references/priorityclass",
     "spec.template.spec.priorityClassName",
     "no PriorityClass shop-critcal in the tree; did you mean shop-critical?"),
    ("create-namespace-not-permitted", "argocd", "argocd", "spec.syncPolicy.syncOptions",
     "resource :Namespace is not permitted in project shop: CreateNamespace=true creates "
     "Namespace shop"),
    ("create-namespace-blacklisted", "argocd", "argocd", "spec.syncPolicy.syncOptions",
     "resource :Namespace is not permitted in project shop"),
    ("large-crd-client-side", "argocd", "argocd", "",
     "CustomResourceDefinition widgets.shop.example.com is 273,215 bytes as JSON, over the "
     "262,144-byte limit"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "name", "rule", "at", "message"), BAD_CASES, ids=[c[0] for c in BAD_CASES]
)
def test_each_rule_has_a_known_bad_fixture(
    case: str, name: str, rule: str, at: str, message: str
) -> None:
    outcome = step(FIXTURES / case, name)
    assert outcome.status is Status.FAILED
    matching = [
        f
        for f in outcome.findings
        if f.rule == rule and (f.field or "") == at and message in (f.message)
    ]
    assert matching, [f.render() for f in outcome.findings]


def test_every_rule_is_exercised_by_a_bad_fixture() -> None:
    covered = {c[2].removeprefix("references/") for c in BAD_CASES}
    assert {r.id for r in RULES} <= covered
    assert {"service", "monitor", "url"} <= covered


# -- the rules as data and what the step cannot see -----------------------------------------


def _namespace(obj: dict[str, Any]) -> str:
    if obj["kind"] in ("Namespace", "StorageClass", "PriorityClass", "ClusterSecretStore",
                       "ClusterIssuer", "IngressClass"):  # fmt: skip
        return ""
    return str(obj["metadata"].get("namespace") or "default")


def _placed(*objects: dict[str, Any]) -> list[Placed]:
    return [Placed(Document("objects.yaml", i, o), _namespace(o)) for i, o in enumerate(objects)]


EXTERNAL_SECRET = {
    "apiVersion": "external-secrets.io/v1",
    "kind": "ExternalSecret",
    "metadata": {"name": "token", "namespace": "external-secrets"},
    "spec": {"secretStoreRef": {"name": "platform-secrets"}},
}
TOKEN_KEY = {"secretKey": "token"}  # pragma: allowlist secret
ECHO_TLS = {"secretName": "echo-tls"}  # pragma: allowlist secret
PROBE_CONFIG = {"secretName": "probe-config"}  # pragma: allowlist secret
EXPLICIT_REF = {"name": "platform-secrets", "kind": "ClusterSecretStore"}
STORE = {
    "apiVersion": "external-secrets.io/v1",
    "kind": "ClusterSecretStore",
    "metadata": {"name": "platform-secrets"},
}


def test_a_namespace_whose_chart_was_not_rendered_is_not_verified_and_said_so() -> None:
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "shop"},
        "spec": {"storageClassName": "fast"},
    }
    unseen = {"": "chart shop 1.0.0 of Application shop-dev not rendered"}
    result = run_references([ObjectSet("dev", _placed(claim), unseen=unseen)])
    assert result.status is Status.NOT_RUN  # partly checked is never a pass
    assert "1 not verified: dev: StorageClass fast (chart shop 1.0.0 of Application shop-dev " in (
        result.detail
    )
    # Seen whole, the same reference is missing.
    failed = run_references([ObjectSet("dev", _placed(claim))])
    assert failed.status is Status.FAILED
    assert failed.findings[0].message == "no StorageClass fast in environment dev"


def test_a_near_miss_under_the_other_kind_fails_even_where_a_chart_was_not_rendered() -> None:
    why = "chart external-secrets 2.9.0 not rendered"
    unseen = {"external-secrets": why}
    result = run_references([ObjectSet("dev", _placed(EXTERNAL_SECRET, STORE), unseen=unseen)])
    assert result.status is Status.FAILED
    assert result.findings[0].message == (
        "no SecretStore external-secrets/platform-secrets in environment dev; a "
        "ClusterSecretStore of that name exists: set kind: ClusterSecretStore"
    )


def test_the_consumer_defaults_apply_and_an_explicit_kind_wins() -> None:
    explicit = {**EXTERNAL_SECRET, "spec": {"secretStoreRef": EXPLICIT_REF}}
    assert run_references([ObjectSet("dev", _placed(explicit, STORE))]).status is Status.PASSED
    rule = next(r for r in RULES if r.id == "secretstore")
    assert (rule.target.kind, rule.kind_key) == ("SecretStore", "kind")
    assert CLUSTER_SECRET_STORE in rule.kinds


def test_an_external_secret_target_and_an_optional_reference_resolve() -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "namespace": "external-secrets"},
        "spec": {
            "containers": [{"name": "c", "envFrom": [{"secretRef": {"name": "token"}},
                                                      {"secretRef": {"name": "later",
                                                                     "optional": True}}]}],
        },
    }  # fmt: skip
    explicit = {**EXTERNAL_SECRET, "spec": {"secretStoreRef": EXPLICIT_REF}}
    result = run_references([ObjectSet("dev", _placed(pod, explicit, STORE))])
    assert result.status is Status.PASSED, [f.render() for f in result.findings]
    without = run_references([ObjectSet("dev", _placed(pod, STORE))])
    assert [f.field for f in without.findings] == ["spec.containers[0].envFrom[0].secretRef.name"]


def test_reviewed_external_objects_apply_per_environment() -> None:
    claim = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "shop"},
        "spec": {"storageClassName": "gp3"},
    }
    externals = (
        *EXTERNAL_OBJECTS,
        ExternalObject(STORAGE_CLASS, "gp3", "the EKS default class of prd", environments=("prd",)),
    )
    prd = run_references([ObjectSet("prd", _placed(claim))], externals)
    dev = run_references([ObjectSet("dev", _placed(claim))], externals)
    assert prd.status is Status.PASSED
    assert "1 resolved to reviewed external objects" in prd.detail
    assert dev.status is Status.FAILED
    assert every_external_has_a_reason()


def every_external_has_a_reason() -> bool:
    return all(e.reason and e.name for e in EXTERNAL_OBJECTS)


def test_a_secret_rule_names_its_default_scope() -> None:
    rules = [r for r in RULES if r.id == "secret"]
    assert rules
    assert all(r.target == SECRET and r.target.namespaced for r in rules)


# -- defects injected into a copy of dist/, validated as a foreign tree ---------------------


def cli(tree: Path, steps: str | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{ROOT / 'bin'}{os.pathsep}{os.environ['PATH']}"}
    command = [str(Path(sys.executable).parent / "gitops-platform"), "validate", str(tree)]
    selection = ["--steps", steps] if steps else []
    return subprocess.run(
        [*command, *selection], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def dist_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "review" / "dist"
    shutil.copytree(ROOT / "dist", copy)
    return copy


def _edit(path: Path, change: Any) -> None:
    documents = list(yaml.safe_load_all(path.read_text()))
    for document in documents:
        change(document)
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False))


def _add(path: Path, obj: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(obj, sort_keys=False))


def test_case_1_create_namespace_without_the_namespace_kind(dist_copy: Path) -> None:
    def drop(project: dict[str, Any]) -> None:
        spec = project["spec"]
        spec["clusterResourceWhitelist"] = [
            e for e in spec["clusterResourceWhitelist"] if e["kind"] != "Namespace"
        ]

    _edit(dist_copy / "infra/projects/argocd-project-platform.yaml", drop)
    run = cli(dist_copy, "argocd")
    assert run.returncode == 1, run.stdout
    assert (
        "kustomize build infra/clusters/dev [Application/argocd/external-secrets-dev] "
        "spec.syncPolicy.syncOptions: argocd: resource :Namespace is not permitted in project "
        "platform: CreateNamespace=true creates Namespace external-secrets"
    ) in run.stdout


def test_case_2_external_secrets_without_server_side_apply(dist_copy: Path) -> None:
    def client_side(app: dict[str, Any]) -> None:
        options = app["spec"]["syncPolicy"]["syncOptions"]
        options.remove("ServerSideApply=true")

    _edit(dist_copy / "infra/platform/apps/external-secrets-application.yaml", client_side)
    run = cli(dist_copy, "helm-render,argocd")
    assert run.returncode == 1, run.stdout
    for crd in ("clustersecretstores", "secretstores"):
        assert (
            f"[CustomResourceDefinition/{crd}.external-secrets.io]: argocd: "
            f"CustomResourceDefinition {crd}.external-secrets.io is 349,"
        ) in run.stdout, run.stdout
    assert "Application external-secrets-dev applies it client-side" in run.stdout
    assert "Application external-secrets-prd applies it client-side" in run.stdout


def test_case_3_secret_store_ref_without_kind(dist_copy: Path) -> None:
    _add(
        dist_copy / "infra/base/addons/external-secrets/dev/externalsecret-vault-token.yaml",
        {
            **EXTERNAL_SECRET,
            "spec": {
                "secretStoreRef": {"name": "platform-secrets"},
                "data": [{"remoteRef": {"key": "platform/token"}, **TOKEN_KEY}],
            },
        },
    )
    run = cli(dist_copy, "references")
    assert run.returncode == 1, run.stdout
    assert (
        "infra/base/addons/external-secrets/dev/externalsecret-vault-token.yaml "
        "[ExternalSecret/external-secrets/token] spec.secretStoreRef.name: references/secretstore: "
        "no SecretStore external-secrets/platform-secrets in environment dev; a "
        "ClusterSecretStore of that name exists: set kind: ClusterSecretStore"
    ) in run.stdout


def test_case_4_ingress_naming_a_cluster_issuer_as_issuer(dist_copy: Path) -> None:
    _add(
        dist_copy / "infra/base/addons/cert-manager/prd/ingress-echo.yaml",
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {
                "name": "echo",
                "namespace": "cert-manager",
                "annotations": {"cert-manager.io/issuer": "platform-tls"},
            },
            "spec": {
                "tls": [{"hosts": ["echo.example.com"], **ECHO_TLS}],
                "defaultBackend": {"service": {"name": "cert-manager", "port": {"number": 9402}}},
            },
        },
    )
    run = cli(dist_copy, "references")
    assert run.returncode == 1, run.stdout
    assert (
        "[Ingress/cert-manager/echo] metadata.annotations.cert-manager.io/issuer: "
        "references/issuer: no Issuer cert-manager/platform-tls in environment prd; a "
        "ClusterIssuer of that name exists: use the annotation cert-manager.io/cluster-issuer"
    ) in run.stdout


def test_case_5_an_unchanged_copy_passes_the_secret_scan(dist_copy: Path) -> None:
    run = cli(dist_copy, None)  # the README's workflow: every step
    assert run.returncode == 0, run.stdout
    assert "[ 8] secrets      passed" in run.stdout
    assert "no new secrets" in run.stdout
    # freshness is skipped (a foreign tree): every other step passes
    assert "validation passed: 17 passed, 0 failed, 0 not run, 1 skipped" in run.stdout
    # The baseline still bites: a new secret in the copy fails.
    leaked = dist_copy / "infra/base/addons/policy/configmap-leak.yaml"
    shutil.copy(
        ROOT / "tests/fixtures/validation/secrets/configmap-deploy-credentials.yaml", leaked
    )
    again = cli(dist_copy, "secrets")
    assert again.returncode == 1
    assert "infra/base/addons/policy/configmap-leak.yaml:" in again.stdout


def test_an_unchanged_copy_passes_argocd_and_references_with_the_chart_renders(
    dist_copy: Path,
) -> None:
    run = cli(dist_copy, "helm-render,argocd,references")
    assert run.returncode == 0, run.stdout
    line = next(x for x in run.stdout.splitlines() if "] references " in x)
    assert "not verified" not in line, line


def test_references_resolve_in_the_chart_renders(dist_copy: Path) -> None:
    """A workload using the service account only the External Secrets chart renders."""
    pod: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "probe", "namespace": "external-secrets"},
        "spec": {
            "serviceAccountName": "external-secrets",
            "containers": [{"name": "probe", "image": "registry.example.com/probe:1.0.0"}],
        },
    }
    folder = dist_copy / "infra/base/addons/external-secrets/dev"
    _add(folder / "pod-probe.yaml", pod)
    run = cli(dist_copy, "references")
    assert run.returncode == 0, run.stdout
    typo = {**pod, "spec": {**pod["spec"], "serviceAccountName": "external-secret"}}
    _add(folder / "pod-probe.yaml", typo)
    failed = cli(dist_copy, "references")
    assert failed.returncode == 1
    assert (
        "no ServiceAccount external-secrets/external-secret in environment dev; did you mean "
        "external-secrets?"
    ) in failed.stdout


def test_a_monitor_may_select_a_reviewed_external_service() -> None:
    monitor = {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "coredns", "namespace": "monitoring"},
        "spec": {
            "namespaceSelector": {"matchNames": ["kube-system"]},
            "selector": {"matchLabels": {"k8s-app": "kube-dns"}},
            "endpoints": [{"port": "metrics"}],
        },
    }
    alone = run_references([ObjectSet("dev", _placed(monitor))])
    assert [f.message for f in alone.findings] == [
        "spec.selector {k8s-app=kube-dns} selects no Service in namespace kube-system in "
        "environment dev: Prometheus scrapes nothing"
    ]
    dns = ExternalObject(
        SERVICE, "kube-dns", "created by the cluster's DNS add-on", "kube-system",
        labels=(("k8s-app", "kube-dns"),), ports=("dns", "metrics"),
    )  # fmt: skip
    assert run_references([ObjectSet("dev", _placed(monitor))], (dns,)).status is Status.PASSED
    wrong_port = ExternalObject(
        SERVICE, "kube-dns", "created by the cluster's DNS add-on", "kube-system",
        labels=(("k8s-app", "kube-dns"),), ports=("dns",),
    )  # fmt: skip
    failed = run_references([ObjectSet("dev", _placed(monitor))], (wrong_port,))
    assert failed.findings[0].field == "spec.endpoints[0].port"


def test_urls_in_schemas_are_examples_not_references() -> None:
    crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "stores.example.com"},
        "spec": {"description": "e.g. https://vault.vault.svc:8200"},
    }
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "namespace": "shop"},
        "data": {"vault": "https://vault.vault.svc:8200"},
    }
    assert run_references([ObjectSet("dev", _placed(crd))]).status is Status.PASSED
    failed = run_references([ObjectSet("dev", _placed(crd, config))])
    assert [f.document for f in failed.findings] == ["ConfigMap/shop/c"]


def test_each_environment_sees_only_its_own_objects(dist_copy: Path) -> None:
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "probe-config", "namespace": "cert-manager"},
    }
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "probe", "namespace": "cert-manager"},
        "spec": {
            "containers": [{"name": "probe", "image": "registry.example.com/probe:1.0.0"}],
            "volumes": [{"name": "config", "secret": PROBE_CONFIG}],
        },
    }
    _add(dist_copy / "infra/base/addons/cert-manager/prd/secret-probe-config.yaml", secret)
    _add(dist_copy / "infra/base/addons/cert-manager/dev/pod-probe.yaml", pod)
    run = cli(dist_copy, "references")
    assert run.returncode == 1, run.stdout
    assert (
        "infra/base/addons/cert-manager/dev/pod-probe.yaml [Pod/cert-manager/probe] "
        "spec.volumes[0].secret.secretName: references/secret: no Secret "
        "cert-manager/probe-config in environment dev"
    ) in run.stdout
    assert "in environment prd" not in run.stdout


# -- the sync options of the large-CRD rule -------------------------------------------------


def _inventory(app_options: list[str], crd_annotation: str | None) -> ArgoInventory:
    app = ArgoApp(
        Document(
            "apps.yaml",
            0,
            {
                "apiVersion": "argoproj.io/v1alpha1",
                "kind": "Application",
                "metadata": {"name": "big", "namespace": "argocd"},
                "spec": {"project": "default", "syncPolicy": {"syncOptions": app_options}},
            },
        )
    )
    crd = yaml.safe_load(
        (FIXTURES / "large-crd-client-side/infra/shop/crd.yaml").read_text(encoding="utf-8")
    )
    if crd_annotation is not None:
        crd["metadata"]["annotations"] = {SYNC_OPTIONS_ANNOTATION: crd_annotation}
    source = AppSource("spec.source", {"repoURL": "https://git.example.com/x.git", "path": "x"})
    inventory = ArgoInventory(apps=[app])
    rendered = GitPathRender(app, source, "x", [Document("x/crd.yaml", 0, crd)])
    inventory.rendered[app.document.ref] = [rendered]
    return inventory


@pytest.mark.parametrize(
    ("app_options", "crd_annotation", "refused"),
    [
        ([], None, True),
        (["ServerSideApply=true"], None, False),
        (["Replace=true"], None, False),
        ([], "ServerSideApply=true", False),
        ([], "Prune=false,ServerSideApply=true", False),
        (["ServerSideApply=true"], "ServerSideApply=false", True),
        (["ServerSideApply=false"], None, True),
    ],
)
def test_a_large_crd_needs_server_side_apply_from_the_app_or_the_resource(
    app_options: list[str], crd_annotation: str | None, refused: bool
) -> None:
    findings = check_sync_rules(_inventory(app_options, crd_annotation))
    assert bool(findings) is refused, findings
    assert json_size({"a": "é"}) == len('{"a":"é"}'.encode())


def test_a_cluster_issuer_annotation_naming_an_issuer_says_which_annotation_to_use() -> None:
    issuer = {
        "apiVersion": "cert-manager.io/v1",
        "kind": "Issuer",
        "metadata": {"name": "local-ca", "namespace": "shop"},
    }
    ingress = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {
            "name": "shop",
            "namespace": "shop",
            "annotations": {"cert-manager.io/cluster-issuer": "local-ca"},
        },
    }
    result = run_references([ObjectSet("dev", _placed(issuer, ingress))])
    assert [f.message for f in result.findings] == [
        "no ClusterIssuer local-ca in environment dev; an Issuer of that name exists in "
        "namespace shop: use the annotation cert-manager.io/issuer"
    ]


def test_the_readme_lists_every_rule_with_one_line() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for rule in sorted({r.id for r in RULES} | {check for check, _ in CHECKS}):
        assert f"\n- `{rule}`: " in readme, rule
