"""The scale benchmark's smallest size, as a smoke run: it finishes and its tree validates.

No timing is asserted (times depend on the machine); what is checked is that every way of
emitting the tree (the library, ``cdk8s synth``, the plain-Python bound, the naive cdk8s way)
writes the very same files, and that the tree passes the validation pipeline.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def test_the_smallest_benchmark_finishes_and_its_tree_validates(tmp_path: Path) -> None:
    out = tmp_path / "results"
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "bench.py"),
            "--sizes",
            "10",
            "--repeat",
            "1",
            "--validate-max",
            "10",
            "--no-validate-warmup",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    results = json.loads((out / "results.json").read_text())
    entry = results["sizes"]["10"]
    assert entry["same_output"], "the emitters wrote different trees"
    # 10 services: chart, values, catalog and manifests each, plus the platform's own files
    assert entry["files"] > 10 * 12
    validation = entry["validate"]
    status = {step["name"]: step["status"] for step in validation["steps"]}
    failed = [name for name, state in status.items() if state == "failed"]
    assert not validation["failed"], f"the benchmark's tree does not validate: {failed}"
    assert status["kubeconform"] == "passed"
    assert status["dry-run"] == "passed"
    assert (out / "scale.png").stat().st_size > 0
    assert "| 10 |" in (out / "results.md").read_text()
