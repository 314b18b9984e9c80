"""Every name, path, label, alert and dashboard the runbooks mention exists in dist/."""

from __future__ import annotations

import re

import pytest

from gitops_platform.validation import reference_sets
from gitops_platform.validation.doc_names import NameIndex, mentions, unknown_names
from gitops_platform.validation.pipeline import Context
from gitops_platform.validation.schemas import SchemaStore
from gitops_platform.validation.settings import Settings
from tests.conftest import ROOT

RUNBOOKS = ROOT / "docs" / "runbooks"
FIXTURE = ROOT / "tests" / "fixtures" / "docs" / "runbook-unknown-names.md"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> NameIndex:
    """Each environment's objects: the tree, kustomize builds and the charts rendered (step 9's)."""
    settings = Settings.make(ROOT / "dist", repo_root=ROOT, freshness=False)
    context = Context(settings, {"helm-render"}, tmp_path_factory.mktemp("names"))
    renders = context.chart_renders
    assert renders.result.status.name == "PASSED", renders.result.detail
    store = context.base_schemas
    assert isinstance(store, SchemaStore), store
    sets = reference_sets.collect_sets(
        context.inventory,
        context.tree,
        context.builds,
        context.repo_prefix,
        renders.outputs,
        store.scopes,
    )
    return NameIndex(sets, ROOT)


def _documents() -> list[tuple[str, str]]:
    files = [*sorted(RUNBOOKS.glob("*.md")), ROOT / "docs" / "index.md"]
    return [(str(f.relative_to(ROOT)), f.read_text()) for f in files]


def test_every_name_the_runbooks_mention_exists(index: NameIndex) -> None:
    assert index.environments == ["dev", "prd"]
    problems, checked = unknown_names(_documents(), index)
    assert problems == [], "\n".join(problems)
    assert checked > 200  # the runbooks name things in the checked forms, not in prose


@pytest.mark.parametrize("runbook", sorted(p.name for p in RUNBOOKS.glob("*.md")))
def test_each_runbook_names_what_it_acts_on(runbook: str) -> None:
    found = mentions((RUNBOOKS / runbook).read_text())
    assert len(found) >= 8, f"{runbook}: {len(found)} checked names"
    if runbook != "index.md":
        assert {"object", "alert"} & {m.form for m in found}


def test_a_runbook_with_unknown_names_fails(index: NameIndex) -> None:
    problems, checked = unknown_names([("bad.md", FIXTURE.read_text())], index)
    assert checked == 43
    assert problems == [
        "bad.md:3: alert alertname=BackstageIsOnFire does not exist in any environment",
        "bad.md:3: dashboard /d/no-such-dashboard does not exist in any environment",
        "bad.md:4: label app.kubernetes.io/instance=no-such-release does not exist in any "
        "environment",
        "bad.md:4: object Deployment/backstage/backstage does not exist in any environment",
        "bad.md:5: object ClusterIssuer/letsencrypt does not exist in any environment",
        "bad.md:6: path dist/infra/platform/apps/portal-application.yaml does not exist in the "
        "repository",
        "bad.md:7: object Application/argocd/portal-<env> does not exist in dev, prd",
        "bad.md:10: application portal-<env> does not exist in dev, prd",
        "bad.md:11: namespace portal does not exist in any environment",
        "bad.md:11: object deploy/portal does not exist in any environment",
        "bad.md:12: object deploy/backstage does not exist in any environment",
        "bad.md:13: label app.kubernetes.io/name=portal does not exist in any environment",
        "bad.md:17: object deploy/portal-hub does not exist in any environment",
        "bad.md:18: application portal-prd does not exist in any environment",
        "bad.md:21: container deploy/backstage-developer-hub -c portal-backend does not exist in "
        "any environment",
        "bad.md:23: object deployment portal-hub does not exist in any environment",
        "bad.md:26: container sts/prometheus-kube-prometheus-stack-prometheus -c thanos does not "
        "exist in any environment",
        "bad.md:30: cluster staging does not exist in any environment",
        "bad.md:32: repository https://github.com/example-org/platform.git does not exist in any "
        "environment",
        "bad.md:35: application portal-<env> does not exist in dev, prd",
    ]


def test_the_forms_are_read_from_commands_and_code_spans() -> None:
    text = (
        "`Certificate/backstage/backstage-tls` and `dist/x` and `alertname=A` and `a=b` and "
        "`/d/u` and `kubectl get pods` and `<Kind>/<name>`\n"
        "```sh\nkubectl -n backstage get svc/backstage-developer-hub -o yaml\n"
        "argocd app get backstage-<env> --refresh\n```\n"
    )
    assert [(m.form, m.text) for m in mentions(text)] == [
        ("object", "Certificate/backstage/backstage-tls"),
        ("path", "dist/x"),
        ("alert", "alertname=A"),
        ("label", "a=b"),
        ("dashboard", "/d/u"),
        ("namespace", "backstage"),
        ("object", "svc/backstage-developer-hub"),
        ("application", "backstage-<env>"),
    ]


def test_commands_in_code_spans_containers_and_the_space_form_are_read() -> None:
    text = (
        "`kubectl -n backstage logs deploy/backstage-developer-hub -c backstage-backend` and "
        "`argocd app get backstage-<env>`\n"
        "```sh\nkubectl -n argocd rollout restart statefulset argocd-application-controller\n"
        "kubectl create secret generic x\n"
        "kubectl -n backstage exec deploy/a --container=b -- cat svc/c\n```\n"
    )
    assert [(m.form, m.text) for m in mentions(text)] == [
        ("namespace", "backstage"),
        ("object", "deploy/backstage-developer-hub"),
        ("container", "deploy/backstage-developer-hub -c backstage-backend"),
        ("application", "backstage-<env>"),
        ("namespace", "argocd"),
        ("object", "statefulset argocd-application-controller"),
        ("namespace", "backstage"),
        ("object", "deploy/a"),
        ("container", "deploy/a -c b"),
    ]


def _url_problems(readme: str, index: NameIndex) -> list[str]:
    """Each ``https://`` URL of a README table row for an environment that no Ingress serves."""
    problems = []
    for row in readme.splitlines():
        cells = [c.strip().strip("`") for c in row.strip().strip("|").split("|")]
        if len(cells) < 2 or cells[0] not in index.environments:
            continue
        for host in re.findall(r"https://([-a-z0-9.]+)", row):
            if host not in index.hosts(cells[0]):
                problems.append(f"{cells[0]}: https://{host} is no Ingress host of {cells[0]}")
    return problems


@pytest.mark.parametrize("document", ["README.md", "docs/index.md"])
def test_the_front_door_urls_are_rendered_ingress_hosts(index: NameIndex, document: str) -> None:
    text = (ROOT / document).read_text()
    assert "https://backstage.platform.example.com" in text
    assert _url_problems(text, index) == []
    assert "backstage.platform.example.com" in index.hosts("prd")


def test_a_readme_url_no_ingress_serves_fails(index: NameIndex) -> None:
    readme = (
        "| dev | https://backstage.platform.example.com "
        "| https://grafana.dev.platform.example.com |"
    )
    assert _url_problems(readme, index) == [
        "dev: https://backstage.platform.example.com is no Ingress host of dev"
    ]
