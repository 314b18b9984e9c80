"""The policy objects the tree delivers: namespaces from the spec, waves and labels set once."""

from __future__ import annotations

import yaml

from gitops_platform import Gatekeeper, PlatformApp
from gitops_platform.layout import POLICY_FOLDER
from gitops_platform.policy import PolicySet, policy_objects
from tests.helpers import components, spec


def delivered(**spec_overrides: object) -> list[dict[str, object]]:
    files = PlatformApp(spec(**spec_overrides), [*components(), Gatekeeper()]).render()
    objects = [
        yaml.safe_load(text)
        for path, text in files.items()
        if path.startswith(POLICY_FOLDER + "/") and path.endswith(".yaml")
    ]
    # the namespace's NetworkPolicies share the folder (per environment)
    return [o for o in objects if o["kind"] != "NetworkPolicy"]


def test_the_project_constraint_looks_in_the_platforms_argocd_namespace() -> None:
    (constraint,) = [
        o for o in delivered(argocd_namespace="gitops") if o["kind"] == "PlatformApplicationProject"
    ]
    assert constraint["spec"]["parameters"]["projectNamespace"] == "gitops"  # type: ignore[index]


def test_a_policy_set_that_names_a_namespace_keeps_it() -> None:
    objects = policy_objects(PolicySet(argocd_namespace=""), argocd_namespace="gitops")
    (constraint,) = [o for o in objects if o["kind"] == "PlatformApplicationProject"]
    assert constraint["spec"]["parameters"]["projectNamespace"] == ""


def test_the_tree_delivers_the_library_objects_as_they_are() -> None:
    # what the library's docstrings describe (waves 1 and 2, the platform's part-of label) is
    # what the tree carries: nothing is rewritten on the way
    tree = delivered()
    gatekeeper = Gatekeeper()
    # the policy set with the exemptions the Gatekeeper component gathers from the platform
    enforced = gatekeeper.enforced_policy_set([*components(), gatekeeper])
    library = policy_objects(
        enforced, gatekeeper_namespace="gatekeeper-system", part_of="test-platform"
    )

    def by_name(objects: list[dict[str, object]]) -> dict[str, object]:
        return {f"{o['kind']}/{o['metadata']['name']}": o for o in objects}  # type: ignore[index]

    assert by_name(tree) == by_name(library)
    waves = {o["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] for o in tree}  # type: ignore[index]
    assert waves == {"1", "2"}
