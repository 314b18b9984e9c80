"""The constructs' project checks and the pipeline's agree: both read the rendered spec."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_platform import Destination, GroupKind, ProjectProps
from gitops_platform.validation.argo_project import Project

_NAMESPACES = st.sampled_from(["team-*", "team-[ab]", "!kube-system", "{a,{b,c}}x", "*", "cx"])
destinations = st.one_of(
    st.builds(Destination, namespace=_NAMESPACES, name=st.sampled_from(["dev", "prd", "d*"])),
    st.builds(
        Destination,
        namespace=_NAMESPACES,
        server=st.sampled_from(["https://kubernetes.default.svc", "https://prd.example.com"]),
    ),
)
repos = st.sampled_from(
    ["https://github.com/org/repo", "https://github.com/org/*", "!https://github.com/org/x"]
)


@settings(max_examples=300, deadline=None)
@given(
    dests=st.lists(
        destinations, min_size=1, max_size=4, unique_by=lambda d: (d.name, d.server, d.namespace)
    ),
    sources=st.lists(repos, min_size=1, max_size=3),
    cluster=st.sampled_from(
        [
            ("dev", None),
            ("prd", None),
            (None, "https://kubernetes.default.svc"),
            ("in-cluster", None),
            (None, "https://prd.example.com"),
        ]
    ),
    namespace=st.sampled_from(["team-a", "team-c", "kube-system", "cx", "bx"]),
    repo=st.sampled_from(
        [
            "https://GitHub.com/org/repo.git",
            "https://github.com/org/x",
            "https://github.com/other/y",
        ]
    ),
    kind=st.sampled_from(
        [("", "Namespace", "team-a"), ("rbac.authorization.k8s.io", "ClusterRole", "r")]
    ),
)
def test_the_pipeline_and_the_constructs_decide_alike(
    dests: list[Destination],
    sources: list[str],
    cluster: tuple[str | None, str | None],
    namespace: str,
    repo: str,
    kind: tuple[str, str, str],
) -> None:
    props = ProjectProps(
        name="team",
        description="generated",
        source_repos=tuple(sources),
        destinations=tuple(dests),
        cluster_resource_whitelist=(GroupKind("", "Namespace", "team-*"),),
    )
    pipeline = Project.from_object({"metadata": {"name": "team"}, "spec": props.spec()})
    name, server = cluster
    assert props.permits_destination(namespace, name=name, server=server) is (
        pipeline.destination_permitted(server or "", name or "", namespace)
    )
    assert props.permits_repo(repo) is pipeline.source_permitted(repo)
    group, kind_name, obj = kind
    assert props.permits_kind(group, kind_name, namespaced=False, name=obj) is (
        pipeline.kind_permitted(group, kind_name, obj, namespaced=False)
    )
