"""The benchmark's report: sizes where the naive emitter or validation did not run."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import bench


def _run(emit: float, rss: float = 200.0) -> dict[str, Any]:
    return {"construct": emit / 2, "render": emit / 4, "write": emit / 4, "emit": emit,
            "rss_mib": rss, "files": 100}  # fmt: skip


def _results() -> dict[str, Any]:
    return {
        "date": "2026-11-30 02:00 UTC",
        "load": "1.00/1.00",
        "sizes": {
            "1000": {
                "files": 22265,
                "same_output": True,
                "synth": [30.0, 29.0, 31.0],
                "cdk8s": [_run(17.0), _run(18.0), _run(16.0)],
                "plain": [_run(9.0), _run(10.0), _run(8.0)],
                "naive": [_run(112.0), _run(110.0), _run(115.0)],
                "validate": {
                    "seconds": 120.0,
                    "failed": False,
                    "steps": {"kubeconform": 8.0, "dry-run": 40.0},
                    "status": {"kubeconform": "passed", "dry-run": "passed"},
                },
            },
            "3000": {
                "files": 66000,
                "same_output": True,
                "synth": [95.0],
                "cdk8s": [_run(60.0, 290.0)],
                "plain": [_run(30.0)],
            },
        },
    }


def test_a_size_without_the_naive_emitter_shows_dashes_not_numbers() -> None:
    text = bench.table(_results())
    row = next(line for line in text.splitlines() if line.startswith("| 3000 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    # naive s and naive / in-process: not measured at this size
    assert cells[10:12] == ["-", "-"], row
    assert cells[8] == "3.2x"  # synth / plain: 95 / 30
    assert "nan" not in text


def test_targets_read_the_medians_and_the_growth() -> None:
    text = bench.targets(_results())
    assert "`cdk8s synth` / plain = 3.3x" in text  # medians 30 / 9
    assert "naive cdk8s / this library (in-process) = 6.6x" in text  # 112 / 17
    assert "growth 1000 -> 3000: `cdk8s synth` 3.17x, in-process 3.53x" in text
    assert "warm validate at 2 x 1000: 15.0x kubeconform" in text
    assert "largest peak RSS measured: 290 MiB" in text


def test_the_plot_leaves_out_what_was_not_measured(tmp_path: Path) -> None:
    path = tmp_path / "scale.png"
    bench.plot(_results(), path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--sizes", "abc"], "'abc' is not a number of services from 1 to 10000"),
        (["--sizes", "10,,100"], "'' is not a number of services"),
        (["--sizes", "0"], "'0' is not a number of services"),
        (["--sizes", "\u00b2"], "'\u00b2' is not a number of services"),
        (["--repeat", " 3"], "--repeat: ' 3' is not a whole number of at least 1"),
        (["--repeat", "0"], "--repeat: '0' is not a whole number of at least 1"),
        (["--naive-max", "-1"], "--naive-max: '-1' is not a whole number of at least 0"),
        (["--out", "/dev/null/results"], "--out /dev/null/results: cannot create the folder"),
    ],
)
def test_bad_options_are_refused_before_anything_runs(
    args: list[str], said: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        bench.main(["--work", str(tmp_path / "work"), "--out", str(tmp_path / "out"), *args])
    assert exit_info.value.code == 2
    assert said in capsys.readouterr().err
    assert not (tmp_path / "work").exists()


def test_results_json_keeps_step_names_as_values_and_every_number() -> None:
    results = _results()
    kept = bench.as_json(results)
    steps = kept["sizes"]["1000"]["validate"]["steps"]
    assert steps == [
        {"name": "kubeconform", "status": "passed", "seconds": 8.0},
        {"name": "dry-run", "status": "passed", "seconds": 40.0},
    ]
    assert kept["sizes"]["1000"]["validate"]["seconds"] == 120.0
    assert kept["sizes"]["3000"] == results["sizes"]["3000"]
    assert "validate" in results["sizes"]["1000"]  # the results themselves are not changed
    assert results["sizes"]["1000"]["validate"]["status"] == {
        "kubeconform": "passed",
        "dry-run": "passed",
    }
