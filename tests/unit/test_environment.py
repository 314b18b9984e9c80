"""Environments and the platform description: validation at construction."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitops_platform import (
    Cluster,
    ConfigurationError,
    DuplicateError,
    Environment,
    InvalidObjectError,
    InvalidValueError,
    PlatformSpec,
    Sizing,
)

REPO = "https://git.example.com/platform/gitops.git"
DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def env(name: str = "dev", **kwargs: object) -> Environment:
    defaults: dict[str, object] = {
        "base_domain": f"{name}.example.com" if DNS_LABEL.match(name) else "x.example.com",
        "cluster": Cluster(name="c1"),
        "revision": "main",
    }
    defaults.update(kwargs)
    return Environment(name, **defaults)  # type: ignore[arg-type]


@given(st.from_regex(r"[a-z0-9]([a-z0-9-]{0,18}[a-z0-9])?", fullmatch=True))
def test_valid_environment_names_are_accepted(name: str) -> None:
    assert env(name).name == name


@given(
    st.text(min_size=0, max_size=30).filter(lambda s: not (DNS_LABEL.fullmatch(s) and len(s) <= 20))
)
def test_invalid_environment_names_are_refused_with_field_and_value(name: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        env(name)
    assert info.value.field == "name"
    assert info.value.value == name
    assert "DNS label" in str(info.value)


@pytest.mark.parametrize("name", ["Dev", "dev_1", "-dev", "dev-", "", "a" * 21, "dév"])
def test_invalid_environment_name_message(name: str) -> None:
    with pytest.raises(InvalidValueError, match=r"Environment: invalid name .*DNS label"):
        env(name)


@pytest.mark.parametrize(
    "revision",
    ["main", "env/prd", "release-1.2", "v1.4.0", "refs-heads"],
)
def test_branch_and_tag_pins_are_accepted(revision: str) -> None:
    assert env(revision=revision).revision == revision


@pytest.mark.parametrize(
    "revision",
    ["", "HEAD", "a" * 40, "b" * 64, "env//prd", "../main", "/main", "main/", "a..b", "x.lock"],
)
def test_unusable_pins_are_refused(revision: str) -> None:
    with pytest.raises(InvalidValueError) as info:
        env(revision=revision)
    assert info.value.field == "revision"
    assert info.value.path == "Environment(dev)"


@pytest.mark.parametrize("domain", ["", "example", "Example.com", "a..com", "-a.com"])
def test_bad_base_domain(domain: str) -> None:
    with pytest.raises(InvalidValueError, match="base_domain"):
        env(base_domain=domain)


def test_cluster_needs_exactly_one_of_name_or_server() -> None:
    with pytest.raises(ConfigurationError, match="exactly one"):
        Cluster()
    with pytest.raises(ConfigurationError, match="exactly one"):
        Cluster(name="dev", server="https://dev.example.com")
    with pytest.raises(InvalidValueError, match="https://"):
        Cluster(server="http://insecure.example.com")
    assert Cluster(server="https://k8s.example.com:6443").destination("ns") == {
        "server": "https://k8s.example.com:6443",
        "namespace": "ns",
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [("replicas", 0), ("replicas", 11), ("replicas", True), ("cpu_request", "lots")],
)
def test_sizing_bounds(field: str, value: object) -> None:
    with pytest.raises(InvalidValueError, match=field):
        Sizing(**{field: value})  # type: ignore[arg-type]


def test_duplicate_environment_is_refused() -> None:
    with pytest.raises(DuplicateError) as info:
        PlatformSpec(
            name="p",
            repo_url=REPO,
            environments=(env("dev"), env("dev", cluster=Cluster(name="c2"))),
        )
    assert info.value.field == "environments"
    assert info.value.value == "dev"
    assert "unique environment names" in str(info.value)


def test_two_environments_on_one_cluster_are_refused() -> None:
    with pytest.raises(DuplicateError, match="one environment per cluster"):
        PlatformSpec(name="p", repo_url=REPO, environments=(env("dev"), env("prd")))


def test_platform_needs_environments_and_https_repo() -> None:
    with pytest.raises(InvalidValueError, match="environments"):
        PlatformSpec(name="p", repo_url=REPO, environments=())
    with pytest.raises(InvalidValueError, match="repo_url"):
        PlatformSpec(name="p", repo_url="http://example.com/x.git", environments=(env(),))
    # SSH, as Argo CD reads it, is a repository URL
    ssh = PlatformSpec(name="p", repo_url="git@example.com:org/x.git", environments=(env(),))
    assert ssh.repo_url == "git@example.com:org/x.git"


@given(st.lists(st.sampled_from(["dev", "stg", "prd", "qa"]), min_size=1, max_size=6))
def test_environment_names_must_be_unique(names: list[str]) -> None:
    envs = tuple(env(n, cluster=Cluster(name=f"c{i}")) for i, n in enumerate(names))
    if len(set(names)) == len(names):
        assert [e.name for e in PlatformSpec("p", REPO, envs).environments] == names
    else:
        twice = {n for n in names if names.count(n) > 1}
        with pytest.raises((DuplicateError, InvalidObjectError)) as caught:
            PlatformSpec("p", REPO, envs)
        found = getattr(caught.value, "exceptions", (caught.value,))
        assert all(isinstance(e, DuplicateError) for e in found)
        assert sorted(e.value for e in found if isinstance(e, DuplicateError)) == sorted(twice)
