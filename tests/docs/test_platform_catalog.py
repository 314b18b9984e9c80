"""The platform's own catalog entities: rendered into dist/catalog/, with their TechDocs."""

from __future__ import annotations

import pytest
import yaml

from gitops_platform import InvalidValueError, PlatformCatalog, Team
from gitops_platform.backstage.platform_catalog import TECHDOCS_REF
from gitops_platform.component import PLATFORM_PROJECT
from gitops_platform.docs.render import load_app
from tests.conftest import ROOT


def test_the_tree_carries_the_platform_system_and_its_services() -> None:
    app = load_app(ROOT / "platform/main.py")
    path = ROOT / "dist/catalog" / app.spec.name / "catalog-info.yaml"
    entities = list(yaml.safe_load_all(path.read_text()))
    system, *services = entities
    assert (system["kind"], system["metadata"]["name"]) == ("System", "gitops-platform")
    assert system["spec"]["owner"] == "group:default/team-platform"
    platform = [c.name for c in app.components if c.project == PLATFORM_PROJECT and c.charts]
    assert len(platform) == 8
    assert [s["metadata"]["name"] for s in services] == platform
    assert "chat-api" not in platform  # an application team's service is not the platform's
    ref = "url:https://github.com/example-org/gitops-platform/tree/main"
    for entity in entities:
        assert entity["metadata"]["annotations"][TECHDOCS_REF] == ref
    for service in services:
        assert service["kind"] == "Component"
        assert service["spec"]["system"] == "system:default/gitops-platform"
    group = yaml.safe_load((ROOT / "dist/catalog/team-platform/catalog-info.yaml").read_text())
    assert (group["kind"], group["metadata"]["name"]) == ("Group", "team-platform")
    # the repository root the ref names holds the TechDocs site definition
    assert (ROOT / "mkdocs.yml").is_file()


def test_backstage_registers_the_platform_catalog() -> None:
    for env, pin in (("dev", "main"), ("prd", "env/prd")):
        values = (ROOT / f"dist/infra/platform/values/backstage/{env}.yaml").read_text()
        assert f"blob/{pin}/dist/catalog/gitops-platform/catalog-info.yaml" in values
        assert f"blob/{pin}/dist/catalog/team-platform/catalog-info.yaml" in values


def test_docs_revision_overrides_the_root_revision() -> None:
    app = load_app(ROOT / "platform/main.py")
    catalog = PlatformCatalog(owner=Team("ops"), docs_revision="docs-v2")
    assert catalog.techdocs_ref(app.spec).endswith("/tree/docs-v2")


def test_bad_input_is_refused() -> None:
    with pytest.raises(InvalidValueError, match="PlatformCatalog: invalid owner"):
        PlatformCatalog(owner="team-platform")  # type: ignore[arg-type]
    with pytest.raises(InvalidValueError, match="description"):
        PlatformCatalog(owner=Team("ops"), description=" ")
