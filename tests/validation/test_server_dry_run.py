"""Step 9 (dry-run): the tree applied to a real API server, and the server left nowhere after.

The three fixtures under ``tests/fixtures/validation/dry-run`` are laid over a copy of the
repository's ``dist/``, one at a time; each makes the step fail for its own reason (a CRD's CEL
rule, Pod Security ``restricted``, a built-in kind's Go validation), and the unchanged tree
passes.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from gitops_platform.layout import ROOT_FILE, RepoPrefix
from gitops_platform.validation import kube_server, server_dry_run
from gitops_platform.validation.argo_tree import walk_from_root
from gitops_platform.validation.helm_charts import HelmOutput
from gitops_platform.validation.kube_server import LocalServer
from gitops_platform.validation.kustomize import build_all
from gitops_platform.validation.pipeline import resolve_steps, validate_tree
from gitops_platform.validation.report import Document, Finding, Status, StepResult
from gitops_platform.validation.settings import KUBERNETES_VERSION, Settings
from gitops_platform.validation.tools import INSTALL_HINT
from gitops_platform.validation.tree import load_tree
from tests.conftest import ROOT, find_tool

FIXTURES = ROOT / "tests" / "fixtures" / "validation" / "dry-run"
DIST = ROOT / "dist"
STEP = server_dry_run.STEP


@pytest.fixture(scope="module")
def server_tools() -> tuple[Path, Path]:
    return Path(find_tool("kube-apiserver")), Path(find_tool("etcd"))


def kube_version() -> str:
    """``k8s.io/kubernetes``'s version in the wrapper module (``v1.33.13``)."""
    go_mod = (ROOT / "tools" / "kube" / "go.mod").read_text(encoding="utf-8")
    match = re.search(
        r"^require k8s\.io/kubernetes (v\S+)$|^\tk8s\.io/kubernetes (v\S+)$", go_mod, re.M
    )
    assert match, "tools/kube/go.mod requires no k8s.io/kubernetes"
    return match.group(1) or match.group(2)


def tree_with(tmp_path: Path, fixture: str | None) -> Path:
    """A copy of ``dist/`` (as ``<tmp>/dist``) with a fixture's files laid over it."""
    tree = tmp_path / "dist"
    shutil.copytree(DIST, tree)
    if fixture:
        shutil.copytree(FIXTURES / fixture, tree, dirs_exist_ok=True)
    return tree


def run_step(tree: Path, steps: str = STEP) -> StepResult:
    settings = Settings.make(tree, repo_root=ROOT, repo_prefix="dist/", freshness=False)
    report = validate_tree(settings, resolve_steps([steps]))
    return next(r for r in report.results if r.name == steps)


def ours(result: StepResult) -> list[Finding]:
    return [
        f for f in result.findings if f.file.startswith("infra/base/addons/external-secrets/dev/")
    ]


# -- the tools -------------------------------------------------------------------------------


def test_the_server_runs_the_clusters_kubernetes_minor() -> None:
    version = kube_version()
    assert version.startswith("v1.33."), version
    # kubeconform's schemas and helm's --kube-version follow the same minor.
    assert KUBERNETES_VERSION.split(".")[:2] == version.lstrip("v").split(".")[:2]
    recorded = (ROOT / "bin" / ".versions").read_text(encoding="utf-8").splitlines()
    lines = {line.split()[0]: line for line in recorded}
    assert f"k8s.io/kubernetes/cmd/kube-apiserver@{version} tools/kube@" in lines["kube-apiserver"]
    assert f"k8s.io/kubernetes/cmd/kubectl@{version} tools/kube@" in lines["kubectl"]
    assert "go.etcd.io/etcd/server/v3@v3." in lines["etcd"]
    client = subprocess.run(
        [find_tool("kubectl"), "version", "--client", "-o", "json"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert json.loads(client.stdout)["clientVersion"]["gitVersion"] == version
    etcd = subprocess.run(
        [find_tool("etcd"), "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    assert "etcd Version: 3." in etcd.stdout


# -- the server: loopback only, nothing left behind ------------------------------------------


def listening_addresses(pid: int) -> set[str]:
    """``address:port`` of every TCP socket the process listens on (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    found = set()
    for table, width in (("tcp", 8), ("tcp6", 32)):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A: LISTEN
                continue
            address, port = local.split(":")
            assert len(address) == width
            raw = bytes.fromhex(address)
            # /proc prints each 32-bit word in host (little-endian) order.
            words = [raw[i : i + 4][::-1] for i in range(0, len(raw), 4)]
            ip = b"".join(words)
            text = ".".join(str(b) for b in ip) if width == 8 else ip.hex()
            found.add(f"{text}:{int(port, 16)}")
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie is dead too.
    status = Path(f"/proc/{pid}/status")
    return not (status.is_file() and "\nState:\tZ" in status.read_text())


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_the_server_listens_on_loopback_only_and_leaves_no_process_and_no_folder(
    server_tools: tuple[Path, Path], tmp_path: Path
) -> None:
    apiserver, etcd = server_tools
    handler = signal.getsignal(signal.SIGTERM)
    with LocalServer(apiserver, etcd) as server:
        assert signal.getsignal(signal.SIGTERM) != handler  # SIGTERM now stops the server
        pids = server.pids
        folder = server.folder
        assert folder is not None
        assert folder.is_dir()
        assert len(pids) == 2
        assert all(alive(pid) for pid in pids)
        addresses = set().union(*(listening_addresses(pid) for pid in pids))
        assert len(addresses) == 3, addresses  # etcd client + peer, the API server
        assert {a.rsplit(":", 1)[0] for a in addresses} == {"127.0.0.1"}, addresses
        assert f"127.0.0.1:{server.api.port}" in addresses
        # kubectl (same version) against it, with the server's own certificate and the token.
        token = (folder / "tokens.csv").read_text().split(",")[0]
        kubeconfig = tmp_path / "kubeconfig"
        kubeconfig.write_text(
            yaml.safe_dump(
                {
                    "apiVersion": "v1",
                    "kind": "Config",
                    "clusters": [
                        {
                            "name": "local",
                            "cluster": {
                                "server": f"https://127.0.0.1:{server.api.port}",
                                "certificate-authority": str(folder / "serving" / "apiserver.crt"),
                            },
                        }
                    ],
                    "users": [{"name": "local", "user": {"token": token}}],
                    "contexts": [
                        {"name": "local", "context": {"cluster": "local", "user": "local"}}
                    ],
                    "current-context": "local",
                }
            )
        )
        versions = subprocess.run(
            [find_tool("kubectl"), "--kubeconfig", str(kubeconfig), "version", "-o", "json"],
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        assert json.loads(versions.stdout)["serverVersion"]["gitVersion"] == kube_version()
        # Without the token the server refuses.
        anonymous = kube_server.ApiClient(
            server.api.port, "wrong", folder / "serving" / "apiserver.crt"
        )
        assert anonymous.request("GET", "/api/v1/namespaces").status == 401
        anonymous.close()
    assert not any(alive(pid) for pid in pids)
    assert not folder.exists()
    assert signal.getsignal(signal.SIGTERM) == handler
    assert server.folder is None
    assert server.client is None


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_an_error_inside_stops_the_server(server_tools: tuple[Path, Path]) -> None:
    apiserver, etcd = server_tools
    seen: list[tuple[list[int], Path | None]] = []

    def fail_inside() -> None:
        with LocalServer(apiserver, etcd) as server:
            seen.append((server.pids, server.folder))
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        fail_inside()
    [(pids, folder)] = seen
    assert pids
    assert not any(alive(pid) for pid in pids)
    assert folder is not None
    assert not folder.exists()


def children(pid: int) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if re.search(rf"^PPid:\t{pid}$", text, re.M):
            found.append(int(status.parent.name))
    return found


def executable(pid: int) -> str:
    """The file name of the process's executable (``""`` once it is gone)."""
    try:
        return Path(os.readlink(f"/proc/{pid}/exe")).name
    except OSError:
        return ""


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_sigterm_during_the_step_leaves_no_process_and_no_folder(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    run = subprocess.Popen(
        [sys.executable, "-m", "gitops_platform.validation", str(DIST), "--no-freshness",
         "--steps", STEP],
        cwd=ROOT, env={**os.environ, "TMPDIR": str(scratch)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        started: list[int] = []
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and run.poll() is None:
            servers = [pid for pid in children(run.pid) if executable(pid) == "kube-apiserver"]
            if servers:
                started = children(run.pid)
                break
            time.sleep(0.2)
        assert started, "the step started no API server"
        assert any(scratch.glob("gitops-kube-*"))
        run.send_signal(signal.SIGTERM)
        output, _ = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
    assert run.returncode == 128 + signal.SIGTERM, output
    assert not [pid for pid in started if alive(pid)]
    assert list(scratch.iterdir()) == [], "a folder was left behind"


def test_a_timeout_stops_the_step_and_the_server(server_tools: tuple[Path, Path]) -> None:
    apiserver, etcd = server_tools
    cluster = server_dry_run.Cluster("dev")
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}
    cluster.add([Document("configmap.yaml", 0, config)], "default")
    before = children(os.getpid())
    result = server_dry_run.run_server_dry_run([cluster], [], apiserver, etcd, timeout=0)
    assert result.status is Status.FAILED
    assert [f.message for f in result.findings] == [
        "dev: the step took longer than 0s and was stopped"
    ]
    assert [pid for pid in children(os.getpid()) if pid not in before and alive(pid)] == []


def test_without_the_tools_the_step_is_not_run_and_says_why() -> None:
    result = server_dry_run.run_server_dry_run([], [], None, Path("/bin/true"))
    assert result.status is Status.NOT_RUN
    assert "kube-apiserver not installed: run `gitops-platform tools install`" in result.detail


# -- which cluster receives what -------------------------------------------------------------


def test_each_environment_receives_its_applications_objects_and_namespaces() -> None:
    tree = load_tree(DIST)
    builds = build_all(tree.root, tree.kustomization_dirs, Path(find_tool("kustomize")))
    inventory = walk_from_root(tree, builds, RepoPrefix("dist/"))
    app = next(a for a in inventory.apps if a.name == "external-secrets-dev")
    destination = app.destination["namespace"]
    chart = Document("helm template eso", 0, {"kind": "ServiceAccount"})
    render = HelmOutput(chart.origin, "", [chart], app=app.document.ref)

    roots = server_dry_run.root_documents(inventory, tree.documents_of(ROOT_FILE))
    clusters = server_dry_run.plan_clusters(inventory, roots, [render])
    assert [c.name for c in clusters] == ["in-cluster", "dev", "prd"]
    home, dev, prd = clusters
    # Argo CD's cluster: the root file, the projects and every Application.
    assert {p.document.obj["kind"] for p in home.placed} == {"AppProject", "Application"}
    assert {p.document.origin for p in home.placed} >= {ROOT_FILE}
    assert set(home.namespaces) == {"argocd"}
    # dev: its addons and the chart render of its Application, in the destination namespace.
    origins = {p.document.origin: p.namespace for p in dev.placed}
    store = "infra/base/addons/external-secrets/dev/clustersecretstore-platform-secrets.yaml"
    assert origins[store] == destination
    assert origins[chart.origin] == destination
    assert not any("/prd/" in o for o in origins)
    assert all("/dev/" not in p.document.origin for p in prd.placed)
    assert chart.origin not in {p.document.origin for p in prd.placed}
    # The namespaces the Applications create carry their managedNamespaceMetadata labels.
    managed = dev.namespaces[destination]
    assert managed.labels["pod-security.kubernetes.io/enforce"] == "restricted"
    assert managed.app is app.document
    assert set(dev.namespaces) == set(prd.namespaces)


# -- the tree and the fixtures ---------------------------------------------------------------


def test_the_unchanged_tree_passes(tmp_path: Path) -> None:
    result = run_step(tree_with(tmp_path, None))
    assert result.status is Status.PASSED, [f.render() for f in result.findings]
    assert re.search(r"^in-cluster: \d+ objects", result.detail)
    assert f"(kube-apiserver {kube_version()}, dry-run, strict fields)" in result.detail
    assert "; dev: " in result.detail
    assert "; prd: " in result.detail


def test_a_cluster_secret_store_breaking_a_cel_rule_fails(tmp_path: Path) -> None:
    tree = tree_with(tmp_path, "cel-rule")
    assert run_step(tree, "kubeconform").status is Status.PASSED  # the schema accepts it
    result = run_step(tree)
    assert result.status is Status.FAILED
    assert [(f.document, f.field, f.message) for f in result.findings] == [
        (
            "ClusterSecretStore/platform-secrets",
            "spec.provider.openBao",
            'dev: Invalid value: "object": at most one of the fields in [caBundle caProvider] '
            "may be set",
        )
    ]
    assert result.findings[0].file == (
        "infra/base/addons/external-secrets/dev/clustersecretstore-platform-secrets.yaml"
    )


def test_a_deployment_breaking_restricted_in_a_restricted_namespace_fails(tmp_path: Path) -> None:
    tree = tree_with(tmp_path, "pod-security")
    assert run_step(tree, "kubeconform").status is Status.PASSED
    result = run_step(tree)
    assert result.status is Status.FAILED
    assert len(result.findings) == 1, [f.render() for f in result.findings]
    finding = result.findings[0]
    assert finding.file == "infra/base/addons/external-secrets/dev/deployment-debug.yaml"
    assert finding.document == "Deployment/external-secrets/secrets-debug"
    assert finding.message.startswith(
        'dev: warning (counted as an error): would violate PodSecurity "restricted:latest": '
        "allowPrivilegeEscalation != false"
    )
    assert "runAsNonRoot != true" in finding.message
    assert "seccompProfile" in finding.message


def test_a_built_in_object_kubeconform_accepts_and_the_server_refuses_fails(
    tmp_path: Path,
) -> None:
    tree = tree_with(tmp_path, "built-in")
    assert run_step(tree, "kubeconform").status is Status.PASSED
    result = run_step(tree)
    assert result.status is Status.FAILED
    assert [(f.document, f.field) for f in result.findings] == [
        ("Deployment/external-secrets/secrets-probe", "spec.template.metadata.labels")
    ]
    assert "`selector` does not match template `labels`" in result.findings[0].message


def test_each_refusal_is_reported_on_its_object_with_its_field(
    server_tools: tuple[Path, Path],
) -> None:
    apiserver, etcd = server_tools
    app = Document("apps.yaml", 0, {"kind": "Application", "metadata": {"name": "shop"}})
    bad_crd = {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": "widgets.example.com"},
        "spec": {
            "group": "example.com",
            "scope": "Namespaced",
            "names": {"kind": "Widget", "plural": "widgets"},
            "versions": [{"name": "v1", "served": True, "storage": True}],  # no schema
        },
    }
    objects = [
        Document("crd.yaml", 0, bad_crd),
        Document("shop.yaml", 0, {"apiVersion": "v1", "kind": "ConfigMap",
                                  "metadata": {"name": "settings", "namespace": "nowhere"}}),
        Document("shop.yaml", 1, {"apiVersion": "example.org/v1", "kind": "Gadget",
                                  "metadata": {"name": "g"}}),
        Document("shop.yaml", 2, {"apiVersion": "v1", "kind": "ConfigMap",
                                  "metadata": {"name": "typo"}, "dta": {"a": "b"}}),
        Document("shop.yaml", 3, {"apiVersion": "v1", "kind": "ConfigMap",
                                  "metadata": {"name": "fine"}, "data": {"a": "b"}}),
    ]  # fmt: skip
    cluster = server_dry_run.Cluster("dev")
    cluster.add(objects, "shop")
    cluster.namespaces["shop"] = server_dry_run.ManagedNamespace(
        "shop", {"pod-security.kubernetes.io/enforce": "restricted"}, {}, app
    )
    cluster.namespaces["Bad_Name"] = server_dry_run.ManagedNamespace("Bad_Name", {}, {}, app)
    result = server_dry_run.run_server_dry_run([cluster], [], apiserver, etcd)
    assert result.status is Status.FAILED
    found = [(f.file, f.document, f.field, f.message) for f in result.findings]
    assert len(found) == 5, "\n".join(f.render() for f in result.findings)
    crd, namespace, missing_ns, unknown_kind, unknown_field = found
    assert crd[:3] == ("crd.yaml", "CustomResourceDefinition/widgets.example.com",
                       "spec.versions[0].schema.openAPIV3Schema")  # fmt: skip
    assert crd[3].startswith("dev: CRD refused: Required value: schemas are required")
    assert namespace[:2] == ("apps.yaml", "Application/shop")
    assert "the namespace Bad_Name it creates is refused" in namespace[3]
    assert missing_ns[:3] == ("shop.yaml", "ConfigMap/nowhere/settings", None)
    assert missing_ns[3].startswith(
        'dev: namespaces "nowhere" not found: no Application of this cluster creates it'
    )
    assert unknown_kind[:3] == ("shop.yaml", "Gadget/g", "kind")
    assert unknown_kind[3].startswith("dev: example.org/v1 is not served here")
    assert unknown_field[:3] == ("shop.yaml", "ConfigMap/shop/typo", "dta")
    assert unknown_field[3].endswith(".dta: field not declared in schema")
    assert result.detail.startswith("dev: 3 objects, 0 CRDs, 1 namespaces")  # Gadget: not sent


def test_a_server_of_another_minor_than_the_clusters_fails(
    server_tools: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    apiserver, etcd = server_tools
    monkeypatch.setattr(server_dry_run, "KUBERNETES_VERSION", "1.34.0")
    cluster = server_dry_run.Cluster("dev")
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}
    cluster.add([Document("configmap.yaml", 0, config)], "default")
    result = server_dry_run.run_server_dry_run([cluster], [], apiserver, etcd)
    assert result.status is Status.FAILED
    assert [f.message for f in result.findings] == [
        f"kube-apiserver {kube_version()} is not Kubernetes 1.34, the clusters' version: "
        f"{INSTALL_HINT}"
    ]
