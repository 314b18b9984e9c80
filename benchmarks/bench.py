"""The scale benchmark: N onboarded services per environment (2 environments), measured.

``make bench`` (or ``BENCH_SIZES=10,100 make bench`` for a quick run) renders the platform of
:mod:`fleet` for each size and measures, side by side in one run, each in a fresh process,
``--repeat`` times (medians reported):

* **cdk8s**: the library in-process: construction (``PlatformApp(...)``), render
  (``render()``: objects to YAML text), write (the atomic tree swap); peak RSS of the Python
  process plus its jsii kernel (Node.js);
* **synth**: the whole ``cdk8s synth`` through the pinned cdk8s-cli, as ``make synth`` runs it
  (process start, imports, jsii start-up, the tree written to the folder and the CLI's staging);
* **plain**: the lower bound (:mod:`plain`): the very same files from the same dicts and YAML
  writer in plain Python, no cdk8s; its output is checked equal to the cdk8s tree;
* **naive**: the same objects as cdk8s ``ApiObject`` s with one JSON patch each (the body), one
  chart per file, rendered with ``Chart.to_json``; output checked equal too (sizes up to
  ``--naive-max``: it grows faster than linearly, over 10 minutes at 3000);
* **validate**: ``python -m gitops_platform.validation <tree> --strict`` (``make validate`` on that
  tree), once to warm the caches and then measured, per step (sizes up to ``--validate-max``).

Results: a table on stdout and in ``benchmarks/results/results.md``, the raw numbers in
``results.json`` and the plot ``scale.png`` (time against N, log-log).

Workers (``bench.py worker <mode> ...``) are what the orchestrator runs in subprocesses.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ENVIRONMENTS = 2


# -- workers (run in a fresh process each) ------------------------------------------------------


def _digest(files: Mapping[str, str]) -> str:
    sha = hashlib.sha256()
    for relpath in sorted(files):
        sha.update(relpath.encode())
        sha.update(b"\0")
        sha.update(files[relpath].encode())
        sha.update(b"\0")
    return sha.hexdigest()


def _hwm_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            out += [child, *_descendants(child)]
    return out


def peak_rss_mib() -> float:
    """Peak resident memory of this process plus its live descendants (the jsii kernel), MiB."""
    me = os.getpid()
    return sum(_hwm_kib(pid) for pid in [me, *_descendants(me)]) / 1024


def _worker(mode: str, count: int, charts: Path, outdir: Path, extra: str) -> dict[str, Any]:
    sys.path.insert(0, str(HERE))
    import fleet

    from gitops_platform.output.writer import write_tree

    network = os.environ.get(fleet.NETWORK_ENV, "0") == "1"
    result: dict[str, Any] = {}
    if mode == "constant":
        files = fleet.build(0, charts, network=network).render()
        Path(extra).write_text(json.dumps(files))
        return {"files": len(files)}
    if mode == "cdk8s":
        t0 = time.perf_counter()
        app = fleet.build(count, charts, network=network)
        t1 = time.perf_counter()
        files = app.render()
        t2 = time.perf_counter()
        write_tree(files, outdir)
        t3 = time.perf_counter()
        result = {"construct": t1 - t0, "render": t2 - t1, "write": t3 - t2}
    elif mode == "plain":
        import plain

        constant = json.loads(Path(extra).read_text())
        t0 = time.perf_counter()
        files = plain.render(count, charts, constant, network=network)
        t2 = time.perf_counter()
        write_tree(files, outdir)
        t3 = time.perf_counter()
        result = {"construct": 0.0, "render": t2 - t0, "write": t3 - t2}
    elif mode == "naive":
        files, objects = _naive_inputs(Path(extra))
        t0 = time.perf_counter()
        app, charts_by_file = _naive_construct(objects)
        t1 = time.perf_counter()
        files = dict(files)
        files.update(_naive_render(charts_by_file))
        files = dict(sorted(files.items()))
        t2 = time.perf_counter()
        write_tree(files, outdir)
        t3 = time.perf_counter()
        result = {"construct": t1 - t0, "render": t2 - t1, "write": t3 - t2}
    else:
        raise SystemExit(f"unknown worker mode {mode}")
    result["emit"] = result["construct"] + result["render"] + result["write"]
    result["files"] = len(files)
    result["digest"] = _digest(files)
    result["rss_mib"] = peak_rss_mib()
    return result


def _is_object_file(relpath: str) -> bool:
    return (
        relpath.startswith("infra/")
        and relpath.endswith(".yaml")
        and not relpath.endswith("kustomization.yaml")
        and "/values/" not in relpath
    )


def _naive_inputs(tree: Path) -> tuple[dict[str, str], dict[str, list[dict[str, Any]]]]:
    """The tree's text files as they are, and its object files parsed (untimed)."""
    import yaml

    texts: dict[str, str] = {}
    objects: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(p for p in tree.rglob("*") if p.is_file()):
        relpath = path.relative_to(tree).as_posix()
        text = path.read_text(encoding="utf-8")
        if _is_object_file(relpath):
            objects[relpath] = [d for d in yaml.safe_load_all(text) if d is not None]
        else:
            texts[relpath] = text
    return texts, objects


def _naive_construct(objects: Mapping[str, list[dict[str, Any]]]) -> tuple[Any, dict[str, Any]]:
    """Every object as a cdk8s ApiObject with one JSON patch (its body), one chart per file."""
    from cdk8s import ApiObject, ApiObjectMetadata, App, Chart, JsonPatch

    app = App()
    charts: dict[str, Any] = {}
    for number, (relpath, documents) in enumerate(objects.items()):
        chart = Chart(app, f"f{number}", disable_resource_name_hashes=True)
        charts[relpath] = chart
        for index, doc in enumerate(documents):
            meta = doc["metadata"]
            obj = ApiObject(
                chart,
                f"o{index}",
                api_version=doc["apiVersion"],
                kind=doc["kind"],
                metadata=ApiObjectMetadata(
                    name=meta["name"],
                    namespace=meta.get("namespace"),
                    labels=meta.get("labels"),
                    annotations=meta.get("annotations"),
                    finalizers=meta.get("finalizers"),
                ),
            )
            body = [
                JsonPatch.add(f"/{key}", value)
                for key, value in doc.items()
                if key not in ("apiVersion", "kind", "metadata")
            ]
            if body:
                obj.add_json_patch(*body)
    return app, charts


def _naive_render(charts: Mapping[str, Any]) -> dict[str, str]:
    from gitops_platform.output.yaml_format import dump_documents

    return {relpath: dump_documents(chart.to_json()) for relpath, chart in charts.items()}


# -- the orchestrator ---------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join(
        [
            str(ROOT / "node_modules" / ".bin"),
            str(ROOT / "bin"),
            str(ROOT / ".venv" / "bin"),
            env.get("PATH", ""),
        ]
    )
    env.setdefault("JSII_NODE", str(ROOT / "node_modules" / ".bin" / "node"))
    env.setdefault("GITOPS_PLATFORM_UPSTREAM", str((ROOT / ".." / "shared" / "upstream").resolve()))
    env["JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION"] = "1"
    return env


def _run(
    command: Sequence[str], env: Mapping[str, str], cwd: Path = ROOT, *, ok: tuple[int, ...] = (0,)
) -> tuple[float, str]:
    """Run ``command``; return its wall seconds and stdout (exit status in ``ok``)."""
    start = time.perf_counter()
    proc = subprocess.run(list(command), cwd=cwd, env=dict(env), capture_output=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode not in ok:
        raise RuntimeError(
            f"{' '.join(command)} failed ({proc.returncode}):\n{proc.stderr.decode()[-3000:]}"
        )
    return seconds, proc.stdout.decode()


def _worker_cmd(mode: str, count: int, charts: Path, outdir: Path, extra: str = "-") -> list[str]:
    return [sys.executable, str(HERE / "bench.py"), "worker", mode, str(count), str(charts),
            str(outdir), extra]  # fmt: skip


def _synth_cli(count: int, charts: Path, work: Path, env: Mapping[str, str]) -> float:
    """The whole ``cdk8s synth`` of the fleet through the pinned CLI; wall seconds."""
    project = work / f"cli-{count}"
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    (project / "cdk8s.yaml").write_text(
        "language: python\n"
        f"app: {sys.executable} {HERE / 'fleet.py'}\n"
        f"output: {project / 'staging'}\n"
    )
    cli_env = {
        **env,
        "BENCH_SERVICES": str(count),
        "BENCH_CHARTS": str(charts),
        "GITOPS_PLATFORM_DIST": str(project / "dist"),
    }
    cdk8s = ROOT / "node_modules" / ".bin" / "cdk8s"
    seconds, _ = _run([str(cdk8s), "synth", "--no-check-upgrade"], cli_env, cwd=project)
    if not (project / "dist" / "infra" / "infra-root.yaml").is_file():
        raise RuntimeError(f"cdk8s synth of {count} services wrote no tree")
    shutil.rmtree(project, ignore_errors=True)
    return seconds


def _validate(tree: Path, env: Mapping[str, str]) -> dict[str, Any]:
    command = [sys.executable, "-m", "gitops_platform.validation", str(tree), "--strict",
               "--no-freshness", "--format", "json"]  # fmt: skip
    # exit status 1: a step failed (reported per step); the time is measured either way
    seconds, out = _run(command, env, ok=(0, 1))
    report = json.loads(out)
    return {
        "seconds": seconds,
        "failed": report["failed"],
        "steps": {s["name"]: s["seconds"] for s in report["steps"]},
        "status": {s["name"]: s["status"] for s in report["steps"]},
    }


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def measure(
    sizes: Sequence[int],
    repeat: int,
    validate_max: int,
    work: Path,
    *,
    network: bool,
    warmup: bool = True,
    naive_max: int = 1000,
) -> dict[str, Any]:
    """Run every measurement; return the raw results."""
    env = {**_env(), "BENCH_NETWORK": "1" if network else "0"}
    sys.path.insert(0, str(HERE))
    import fleet

    charts = fleet.make_charts(max(sizes), work / "charts")
    constant = work / "constant.json"
    _run(_worker_cmd("constant", 0, charts, work / "unused", str(constant)), env)
    results: dict[str, Any] = {"sizes": {}}
    for count in sizes:
        print(f"[bench] {count} services x {ENVIRONMENTS} environments", file=sys.stderr)
        modes = ("cdk8s", "plain", "naive") if count <= naive_max else ("cdk8s", "plain")
        runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
        tree = work / f"tree-{count}"
        for _ in range(repeat):
            for mode in modes:
                outdir = work / f"out-{mode}-{count}"
                extra = {"cdk8s": "-", "plain": str(constant), "naive": str(tree)}[mode]
                wall, out = _run(_worker_cmd(mode, count, charts, outdir, extra), env)
                run = json.loads(out.strip().splitlines()[-1])
                run["process"] = wall
                runs[mode].append(run)
                if mode == "cdk8s":
                    shutil.rmtree(tree, ignore_errors=True)
                    os.rename(outdir, tree)
                else:
                    shutil.rmtree(outdir, ignore_errors=True)
        # compared here, not kept: a file of hex digests reads as secrets to a scanner
        digests = {mode: {r.pop("digest") for r in rs} for mode, rs in runs.items()}
        synth = [_synth_cli(count, charts, work, env) for _ in range(repeat)]
        entry: dict[str, Any] = {
            "files": runs["cdk8s"][0]["files"],
            "same_output": len(set().union(*digests.values())) == 1,
            "synth": synth,
            **runs,
        }
        if count <= validate_max:
            if warmup:
                _validate(tree, env)  # warms the caches (Helm renders, schemas, secret scan)
            entry["validate"] = _validate(tree, env)
        results["sizes"][str(count)] = entry
        print(f"[bench] {count}: {summary_line(count, entry)}", file=sys.stderr)
    return results


def _med(entry: Mapping[str, Any], mode: str, key: str) -> float:
    """The median of ``key`` over ``mode``'s runs (NaN when the mode did not run)."""
    return _median([r[key] for r in entry.get(mode, [])])


def summary_line(count: int, entry: Mapping[str, Any]) -> str:
    """One line of the run's progress."""
    return (
        f"synth {_median(entry['synth']):.2f}s, cdk8s {_med(entry, 'cdk8s', 'emit'):.2f}s, "
        f"plain {_med(entry, 'plain', 'emit'):.2f}s, naive {_f(_med(entry, 'naive', 'emit'))}s"
    )


def _f(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}"


def _x(numerator: float, denominator: float) -> str:
    """A ratio as ``3.2x``; ``-`` when either side was not measured."""
    if math.isnan(numerator) or math.isnan(denominator) or denominator == 0:
        return "-"
    return f"{numerator / denominator:.1f}x"


def table(results: Mapping[str, Any]) -> str:
    """The results as Markdown tables."""
    sizes = results["sizes"]
    lines = [
        "| services/env | files | construct s | render s | write s | cdk8s in-process s | "
        "`cdk8s synth` s | plain s | synth / plain | in-process / plain | naive s | "
        "naive / in-process | peak RSS MiB | same files |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|",
    ]
    for n, e in sizes.items():
        synth = _median(e["synth"])
        emit = _med(e, "cdk8s", "emit")
        plain = _med(e, "plain", "emit")
        naive = _med(e, "naive", "emit")
        lines.append(
            f"| {n} | {e['files']} | {_f(_med(e, 'cdk8s', 'construct'))} | "
            f"{_f(_med(e, 'cdk8s', 'render'))} | {_f(_med(e, 'cdk8s', 'write'))} | {_f(emit)} | "
            f"{_f(synth)} | {_f(plain)} | {_x(synth, plain)} | {_x(emit, plain)} | "
            f"{_f(naive)} | {_x(naive, emit)} | {_med(e, 'cdk8s', 'rss_mib'):.0f} | "
            f"{'yes' if e['same_output'] else 'NO'} |"
        )
    validated = {n: e["validate"] for n, e in sizes.items() if "validate" in e}
    if validated:
        steps = list(next(iter(validated.values()))["steps"])
        lines += [
            "",
            "| services/env | `make validate` s | kubeconform s | validate / kubeconform | "
            + " | ".join(steps)
            + " |",
            "|---:|---:|---:|---:|" + "---:|" * len(steps),
        ]
        for n, v in validated.items():
            kubeconform = v["steps"].get("kubeconform", float("nan"))
            failed = [s for s, status in v["status"].items() if status == "failed"]
            cells = " | ".join(_f(v["steps"][s]) for s in steps)
            note = f" (failed: {', '.join(failed)})" if failed else ""
            lines.append(
                f"| {n} | {_f(v['seconds'])}{note} | {_f(kubeconform)} | "
                f"{_x(v['seconds'], kubeconform)} | {cells} |"
            )
    return "\n".join(lines)


def targets(results: Mapping[str, Any]) -> str:
    """The targets as measured (lines of Markdown)."""
    sizes = results["sizes"]
    out = []
    if "1000" in sizes:
        e = sizes["1000"]
        synth, plain = _median(e["synth"]), _med(e, "plain", "emit")
        emit, naive = _med(e, "cdk8s", "emit"), _med(e, "naive", "emit")
        out.append(f"- 2 x 1000: `cdk8s synth` / plain = {synth / plain:.1f}x (target <= 5x); "
                   f"in-process / plain = {emit / plain:.1f}x")  # fmt: skip
        out.append(f"- 2 x 1000: naive cdk8s / this library (in-process) = {_x(naive, emit)} "
                   "(target >= 2x)")  # fmt: skip
        out.append(f"- peak RSS at 2 x 1000: {_med(e, 'cdk8s', 'rss_mib'):.0f} MiB (target <= 300)")
        if "validate" in e:
            v = e["validate"]
            ratio = _x(v["seconds"], v["steps"].get("kubeconform", float("nan")))
            out.append(f"- warm validate at 2 x 1000: {ratio} kubeconform (target <= 10x)")
    if "1000" in sizes and "3000" in sizes:
        a, b = sizes["1000"], sizes["3000"]
        synth = _median(b["synth"]) / _median(a["synth"])
        emit = _med(b, "cdk8s", "emit") / _med(a, "cdk8s", "emit")
        out.append(
            f"- growth 1000 -> 3000: `cdk8s synth` {synth:.2f}x, in-process {emit:.2f}x "
            "(target <= 3.3x)"
        )
    worst = max((_med(e, "cdk8s", "rss_mib") for e in sizes.values()), default=0.0)
    out.append(f"- largest peak RSS measured: {worst:.0f} MiB")
    return "\n".join(out)


def as_json(results: Mapping[str, Any]) -> dict[str, Any]:
    """The results as ``results.json`` keeps them: each size's validation steps as a list.

    ``{"name": ..., "status": ..., "seconds": ...}`` per step, in the pipeline's order: a step
    name is a value, never a key (a key such as ``"secrets"`` reads as a credential to a
    secret scanner).
    """
    out = dict(results)
    sizes: dict[str, Any] = {}
    for n, entry in results["sizes"].items():
        sizes[n] = dict(entry)
        validation = entry.get("validate")
        if validation is not None:
            sizes[n]["validate"] = {
                "seconds": validation["seconds"],
                "failed": validation["failed"],
                "steps": [
                    {"name": name, "status": validation["status"][name], "seconds": seconds}
                    for name, seconds in validation["steps"].items()
                ],
            }
    out["sizes"] = sizes
    return out


def plot(results: Mapping[str, Any], path: Path) -> None:
    """Time against N (log-log) for each way of emitting the tree, and validation."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = results["sizes"]
    ns = [int(n) for n in sizes]
    fig, ax = plt.subplots(figsize=(8, 5))
    series = {
        "cdk8s synth (CLI, whole)": [_median(e["synth"]) for e in sizes.values()],
        "this library in-process": [_med(e, "cdk8s", "emit") for e in sizes.values()],
        "naive cdk8s (ApiObject + JSON patch)": [_med(e, "naive", "emit") for e in sizes.values()],
        "plain Python (lower bound)": [_med(e, "plain", "emit") for e in sizes.values()],
    }
    for label, values in series.items():
        measured = [(n, v) for n, v in zip(ns, values, strict=True) if not math.isnan(v)]
        ax.plot(*zip(*measured, strict=True), marker="o", label=label)
    validated = [(int(n), e["validate"]["seconds"]) for n, e in sizes.items() if "validate" in e]
    if validated:
        ax.plot(*zip(*validated, strict=True), marker="s", linestyle="--", label="make validate")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"onboarded services per environment ({ENVIRONMENTS} environments)")
    ax.set_ylabel("seconds (median)")
    ax.set_title(f"gitops-platform at scale ({results['date']}, load {results['load']})")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


#: The largest fleet ``--sizes`` accepts (services per environment).
MAX_SIZE = 10_000


def _sizes(text: str) -> list[int]:
    """``--sizes``: distinct whole numbers from 1 to :data:`MAX_SIZE`, sorted."""
    sizes: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        if not (part.isascii() and part.isdigit()) or not 1 <= int(part) <= MAX_SIZE:
            raise argparse.ArgumentTypeError(
                f"{part!r} is not a number of services from 1 to {MAX_SIZE} "
                "(write sizes as 10,100,1000)"
            )
        sizes.add(int(part))
    return sorted(sizes)


def _count(least: int) -> Callable[[str], int]:
    """An ``argparse`` type: a whole number of at least ``least``."""

    def parse(text: str) -> int:
        if not (text.isascii() and text.isdigit()) or int(text) < least:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least {least}")
        return int(text)

    return parse


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, or one worker (``worker <mode> <n> <charts> <outdir> <extra>``)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "worker":
        mode, count, charts, outdir, extra = args[1:6]
        print(json.dumps(_worker(mode, int(count), Path(charts), Path(outdir), extra)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sizes",
        type=_sizes,
        default="10,100,1000,3000",
        help="services per environment, comma-separated (each 1 to 10000)",
    )
    parser.add_argument(
        "--repeat", type=_count(1), default=3, help="repetitions, at least 1 (medians reported)"
    )
    parser.add_argument(
        "--validate-max", type=_count(0), default=1000, help="largest size validated (0: none)"
    )
    parser.add_argument("--work", type=Path, default=ROOT / ".build" / "bench")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument(
        "--naive-max",
        type=_count(0),
        default=1000,
        help="largest size the naive emitter runs (0: none)",
    )
    parser.add_argument(
        "--own-network-policies",
        action="store_true",
        help="services also emit their own NetworkPolicies (the apps project refuses them)",
    )
    parser.add_argument(
        "--no-validate-warmup", action="store_true", help="validate once, with cold caches"
    )
    opts = parser.parse_args(args)
    sizes: list[int] = opts.sizes
    opts.work = opts.work.resolve()  # the CLI runs in a folder of its own
    for option, folder in (("--out", opts.out), ("--work", opts.work)):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            parser.error(f"{option} {folder}: cannot create the folder ({error.strerror})")
    load = os.getloadavg()
    results = measure(
        sizes,
        opts.repeat,
        opts.validate_max,
        opts.work,
        network=opts.own_network_policies,
        warmup=not opts.no_validate_warmup,
        naive_max=opts.naive_max,
    )
    results.update(
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        load=f"{load[0]:.2f}/{os.getloadavg()[0]:.2f}",
        machine=f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        repeat=opts.repeat,
        network=opts.own_network_policies,
    )
    text = "\n".join(
        [
            f"Measured {results['date']} on {results['machine']}; load average (1 min) at "
            f"start/end {results['load']}; medians of {opts.repeat} runs; services' own "
            f"NetworkPolicies {'included' if results['network'] else 'left out'}.",
            "",
            table(results),
            "",
            targets(results),
            "",
        ]
    )
    print(text)
    (opts.out / "results.md").write_text(text)
    (opts.out / "results.json").write_text(json.dumps(as_json(results), indent=1))
    plot(results, opts.out / "scale.png")
    written = ", ".join(str(opts.out / n) for n in ("results.md", "results.json", "scale.png"))
    print(f"wrote {written}", file=sys.stderr)
    return 0 if all(e["same_output"] for e in results["sizes"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
