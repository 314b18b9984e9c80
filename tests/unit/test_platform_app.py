"""PlatformApp: bad input fails before anything is written; synth is atomic."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gitops_platform import (
    CertManager,
    ConfigurationError,
    DuplicateError,
    Environment,
    PlatformApp,
    PlatformSpec,
    SecretLiteralError,
    SelfSignedIssuer,
    SynthError,
    Traefik,
)
from gitops_platform.errors import PlatformError
from tests.helpers import components, spec


@dataclass(frozen=True, kw_only=True)
class LeakyTraefik(Traefik):
    """A component whose values carry a literal credential."""

    def environment_values(self, platform: PlatformSpec, env: Environment) -> dict[str, Any]:
        return {"dashboard": {"auth": {"password": "s3cr3t-value"}}}


def test_duplicate_component_is_refused() -> None:
    with pytest.raises(DuplicateError) as info:
        PlatformApp(spec(), [*components(), Traefik()])
    assert info.value.path == "PlatformApp/ingress"
    assert info.value.value == "ingress"


def test_missing_environment_in_per_environment_settings() -> None:
    with pytest.raises(ConfigurationError) as info:
        PlatformApp(spec(), [CertManager(issuers={"dev": SelfSignedIssuer()})])
    assert info.value.path == "CertManager"
    assert info.value.field == "issuers"
    assert "dev, prd" in str(info.value)


def test_literal_secret_in_component_values_is_refused() -> None:
    with pytest.raises(SecretLiteralError) as info:
        PlatformApp(spec(), [LeakyTraefik()])
    assert info.value.path == "ingress/values"
    assert info.value.field == "dev.dashboard.auth.password"
    assert "s3cr3t-value" not in str(info.value)


def write_previous(outdir: Path) -> dict[str, str]:
    (outdir / "infra").mkdir(parents=True)
    (outdir / "infra" / "old.yaml").write_text("old: true\n")
    return {"infra/old.yaml": "old: true\n"}


def tree(outdir: Path) -> dict[str, str]:
    return {
        str(p.relative_to(outdir)): p.read_text() for p in sorted(outdir.rglob("*")) if p.is_file()
    }


def test_failing_synth_leaves_previous_tree_untouched(tmp_path: Path) -> None:
    outdir = tmp_path / "dist"
    before = write_previous(outdir)
    with pytest.raises(PlatformError):
        PlatformApp(spec(), [LeakyTraefik()]).synth(outdir)
    assert tree(outdir) == before
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_failure_while_writing_leaves_previous_tree_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outdir = tmp_path / "dist"
    before = write_previous(outdir)
    app = PlatformApp(spec(), components())
    calls = {"n": 0}
    original = Path.write_text

    def failing_write(self: Path, *args: Any, **kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", failing_write)
    # the file system's error becomes the library's, naming the tree it could not write
    with pytest.raises(SynthError, match="disk full") as info:
        app.synth(outdir)
    assert str(outdir) in str(info.value)
    assert "previous tree is untouched" in str(info.value)
    assert isinstance(info.value.__cause__, OSError)
    monkeypatch.undo()
    assert tree(outdir) == before
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]


def test_synth_replaces_the_whole_tree(tmp_path: Path) -> None:
    outdir = tmp_path / "dist"
    write_previous(outdir)
    PlatformApp(spec(), components()).synth(outdir)
    files = tree(outdir)
    assert "infra/old.yaml" not in files
    assert "infra/infra-root.yaml" in files


def test_render_is_deterministic() -> None:
    first = PlatformApp(spec(), components()).render()
    second = PlatformApp(spec(), components()).render()
    assert first == second


def test_per_environment_values_must_have_the_right_type() -> None:
    from gitops_platform import ExternalSecrets, InvalidValueError

    with pytest.raises(InvalidValueError) as info:
        PlatformApp(spec(), [ExternalSecrets(stores={"dev": "vault", "prd": "vault"})])  # type: ignore[dict-item]
    assert info.value.path == "ExternalSecrets/dev"
    assert info.value.field == "stores"
    assert "a VaultStore" in str(info.value)
