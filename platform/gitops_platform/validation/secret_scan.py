"""Step 8: a secret scan with detect-secrets and the repository's ``.secrets.baseline``.

For the repository's own tree the whole repository is scanned (``git ls-files`` plus untracked
files that are not ignored), and a finding is new when the baseline does not list it (audited
false positives live there). For a foreign tree (another checkout of the tree, validated with
``gitops-platform validate PATH``), that tree is scanned and its findings are matched against the
baseline entries under the repository prefix (``dist/``): a finding is accepted when the baseline
lists the same file (its path under the prefix), the same secret hash and the same type, so the
audited false positives of an unchanged copy stay accepted and only new secrets fail.

The baseline's plugins and filters are used as configured, except ``--exclude-files``, which is
applied here to paths relative to the scanned folder (so the repository's exclusions, e.g. the
known-bad fixture ``tests/fixtures/validation/secrets/``, do not hide a secret when that folder is
scanned on its own). Scan results are cached per file content, so a second run re-scans only
what changed.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import re
from pathlib import Path
from typing import Any

from gitops_platform.layout import RepoPrefix
from gitops_platform.validation.report import Finding, Status, StepResult
from gitops_platform.validation.tools import run_command

__all__ = ["BASELINE_NAME", "STEP", "repository_files", "run_secret_scan"]

STEP = "secrets"
BASELINE_NAME = ".secrets.baseline"
_EXCLUDE_FILES = "detect_secrets.filters.regex.should_exclude_file"


def repository_files(repo_root: Path) -> list[str]:
    """Tracked files plus untracked files that are not ignored (relative POSIX paths)."""
    listed = run_command(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=repo_root
    )
    if not listed.ok:
        return sorted(
            p.relative_to(repo_root).as_posix() for p in repo_root.rglob("*") if p.is_file()
        )
    names = {name for name in listed.stdout.split("\0") if name}
    return sorted(name for name in names if (repo_root / name).is_file())


def run_secret_scan(
    scan_root: Path,
    files: list[str],
    baseline: Path,
    cache: Path,
    *,
    use_baseline_results: bool,
    baseline_prefix: str = "",
) -> StepResult:
    """Scan ``files`` (relative to ``scan_root``) for secrets.

    Args:
        scan_root: the folder the paths are relative to.
        files: the files to scan.
        baseline: the repository's ``.secrets.baseline`` (plugins, filters, audited results).
        cache: the cache root (per-file results are kept there).
        use_baseline_results: whether findings the baseline lists are accepted (``False``: every
            finding is new).
        baseline_prefix: the folder of ``scan_root`` inside the repository the baseline
            describes (``dist/`` for a foreign copy of the tree; ``""`` when ``scan_root`` is
            the repository root): baseline entries are matched through it (entries outside it
            are ignored), by path, secret hash and type.

    Returns:
        ``FAILED`` with one finding (``file:line``, ``secrets/<type>``) per new secret, else
        ``PASSED``.

    """

    def result(status: Status, findings: list[Finding], detail: str) -> StepResult:
        return StepResult(STEP, status, findings, detail)

    try:
        config: dict[str, Any] = json.loads(baseline.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        return result(
            Status.FAILED,
            [
                Finding(
                    BASELINE_NAME,
                    STEP,
                    f"cannot read the baseline ({error}); create it with `detect-secrets scan "
                    f"> {BASELINE_NAME}` at the repository root and audit it",
                )
            ],
            "",
        )
    excludes = [re.compile(p) for p in _exclude_patterns(config)]
    settings = {
        "plugins_used": config.get("plugins_used", []),
        "filters_used": [
            f for f in config.get("filters_used", []) if f.get("path") != _EXCLUDE_FILES
        ],
    }
    baseline_rel = _relative(baseline, scan_root)
    selected = [f for f in files if f != baseline_rel and not any(p.search(f) for p in excludes)]
    found, rescanned = _scan(scan_root, selected, settings, cache)

    from detect_secrets.core.potential_secret import PotentialSecret
    from detect_secrets.core.secrets_collection import SecretsCollection

    accepted: set[tuple[str, str, str]] = set()
    if use_baseline_results:
        known = SecretsCollection.load_from_baseline({"results": config.get("results", {})})
        prefix = RepoPrefix(baseline_prefix)
        for filename, secret in known:
            scanned_as = prefix.to_tree(filename) if baseline_prefix else filename
            if scanned_as is not None:
                accepted.add((scanned_as, secret.secret_hash, secret.type))
    findings: list[Finding] = []
    for filename in sorted(found):
        for item in found[filename]:
            secret = PotentialSecret.load_secret_from_dict({"filename": filename, **item})
            if (filename, secret.secret_hash, secret.type) in accepted:
                continue
            findings.append(
                Finding(
                    f"{filename}:{secret.line_number}",
                    f"{STEP}/{_slug(secret.type)}",
                    f"{secret.type}: a potential secret not in {BASELINE_NAME}; remove it (use an "
                    "ExternalSecret), or, if it is a false positive, audit it into the baseline "
                    "(`detect-secrets scan --baseline .secrets.baseline` then "
                    "`detect-secrets audit .secrets.baseline`)",
                )
            )
    detail = f"{len(selected)} files ({rescanned} scanned, {len(selected) - rescanned} cached)"
    if findings:
        return result(Status.FAILED, findings, f"{detail}, {len(findings)} new potential secrets")
    return result(Status.PASSED, [], f"{detail}, no new secrets")


def _exclude_patterns(config: dict[str, Any]) -> list[str]:
    for entry in config.get("filters_used", []):
        if entry.get("path") == _EXCLUDE_FILES:
            pattern = entry.get("pattern") or []
            return [pattern] if isinstance(pattern, str) else [str(p) for p in pattern]
    return []


def _scan(
    root: Path, files: list[str], settings: dict[str, Any], cache: Path
) -> tuple[dict[str, list[dict[str, Any]]], int]:
    """Scan (with the per-file cache); returns results by file and how many were scanned."""
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import transient_settings

    version = importlib.metadata.version("detect-secrets")
    settings_key = hashlib.sha256(
        json.dumps([version, settings, str(root.resolve())], sort_keys=True).encode()
    ).hexdigest()[:16]
    cache_file = cache / "secrets" / f"{settings_key}.json"
    try:
        known: dict[str, list[dict[str, Any]]] = json.loads(cache_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        known = {}
    keys: dict[str, str] = {}
    for name in files:
        try:
            content = (root / name).read_bytes()
        except OSError:
            continue
        keys[name] = hashlib.sha256(name.encode() + b"\0" + content).hexdigest()
    todo = [name for name, key in keys.items() if key not in known]
    if todo:
        collection = SecretsCollection(root=str(root))
        with transient_settings(settings):
            collection.scan_files(*todo, num_processors=None if len(todo) > 4 else 1)
        for name in todo:
            items = []
            for secret in collection[name] if name in collection.files else []:
                data = secret.json()
                data.pop("filename", None)
                items.append(data)
            known[keys[name]] = items
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = cache_file.with_suffix(".tmp")
        temporary.write_text(json.dumps(known), encoding="utf-8")
        temporary.replace(cache_file)
    found = {name: known[key] for name, key in keys.items() if known.get(key)}
    return found, len(todo)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
