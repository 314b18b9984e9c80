"""Step 8 against the repository's own baseline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from gitops_platform.validation.report import Status
from gitops_platform.validation.secret_scan import BASELINE_NAME, run_secret_scan
from tests.conftest import ROOT

BASELINE = ROOT / BASELINE_NAME
CACHE = ROOT / ".build" / "validation-cache"
FIXTURE = "tests/fixtures/validation/secrets/configmap-deploy-credentials.yaml"


def test_the_repository_scan_excludes_the_known_bad_fixture(tmp_path: Path) -> None:
    outcome = run_secret_scan(ROOT, [FIXTURE], BASELINE, tmp_path, use_baseline_results=True)
    assert outcome.status is Status.PASSED, outcome
    assert outcome.detail.startswith("0 files")


def test_audited_findings_in_the_baseline_are_accepted() -> None:
    results = json.loads(BASELINE.read_text())["results"]
    audited = sorted(name for name in results if (ROOT / name).is_file())
    assert audited, "the baseline lists audited false positives"
    # The repository's own cache: the bindings in imports/ take long to scan the first time.
    outcome = run_secret_scan(ROOT, audited, BASELINE, CACHE, use_baseline_results=True)
    assert outcome.status is Status.PASSED, [f.render() for f in outcome.findings]


def test_a_new_secret_in_the_repository_fails(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "config").mkdir(parents=True)
    shutil.copy(ROOT / FIXTURE, repo / "config" / "credentials.yaml")
    outcome = run_secret_scan(
        repo, ["config/credentials.yaml"], BASELINE, tmp_path / "cache", use_baseline_results=True
    )
    assert outcome.status is Status.FAILED
    assert any(
        f.file == "config/credentials.yaml:12" and f.rule == "secrets/aws-access-key"
        for f in outcome.findings
    ), outcome.findings
    # Cached: a second scan re-reads nothing and finds the same.
    again = run_secret_scan(
        repo, ["config/credentials.yaml"], BASELINE, tmp_path / "cache", use_baseline_results=True
    )
    assert again.findings == outcome.findings
    assert "(0 scanned, 1 cached)" in again.detail


def test_a_missing_baseline_is_a_failure_with_the_fix(tmp_path: Path) -> None:
    outcome = run_secret_scan(
        ROOT, [FIXTURE], tmp_path / BASELINE_NAME, tmp_path, use_baseline_results=True
    )
    assert outcome.status is Status.FAILED
    assert "detect-secrets scan" in outcome.findings[0].message
