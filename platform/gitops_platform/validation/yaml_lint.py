"""Step 2: yamllint on every YAML file of the tree, with the repository's ``.yamllint.yaml``.

Every problem fails the step, warnings included (``yamllint --strict``): the tree is generated,
so a problem is a bug of the generator, not a matter of taste. A file's problems are kept in
the cache, keyed by yamllint's version, the configuration, the file's path and content, so an
unchanged file is not linted again.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import yamllint
from yamllint import linter
from yamllint.config import YamlLintConfig, YamlLintConfigError

from gitops_platform.validation.report import Finding, Status, StepResult

__all__ = ["CONFIG_NAME", "STEP", "run_yamllint"]

STEP = "yamllint"
CONFIG_NAME = ".yamllint.yaml"


#: How many files' results the cache keeps (the most recent run's first).
_CACHE_LIMIT = 100_000


def run_yamllint(
    tree: Path, files: list[str], config: Path, *, cache: Path | None = None
) -> StepResult:
    """Lint ``files`` (relative to ``tree``) with the configuration file ``config``.

    Args:
        tree: the tree's root; paths are matched against the configuration's ``ignore``
            relative to it.
        files: YAML files relative to ``tree``.
        config: the yamllint configuration.
        cache: the cache root (``yamllint/`` there keeps each file's problems), or ``None``.

    Returns:
        ``FAILED`` with one finding per problem (``file:line``, ``yamllint/<rule>``), else
        ``PASSED``.

    """

    def result(status: Status, findings: list[Finding], detail: str) -> StepResult:
        return StepResult(STEP, status, findings, detail)

    try:
        conf = YamlLintConfig(file=str(config))
    except (OSError, YamlLintConfigError) as error:
        return result(
            Status.FAILED, [Finding(str(config), STEP, f"unusable configuration: {error}")], ""
        )
    findings: list[Finding] = []
    linted = 0
    config_key = hashlib.sha256(
        f"{yamllint.APP_VERSION}\0".encode() + config.read_bytes()
    ).hexdigest()
    store = cache / "yamllint" / f"{config_key[:32]}.json" if cache else None
    known = _load(store)
    seen: dict[str, list[Any]] = {}
    for relpath in files:
        if conf.is_file_ignored(relpath):
            continue
        linted += 1
        try:
            text = (tree / relpath).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            findings.append(Finding(relpath, f"{STEP}/read", str(error)))
            continue
        key = hashlib.sha256(f"{relpath}\0{text}".encode()).hexdigest()
        problems = known.get(key)
        if problems is None:
            problems = [
                [p.line, p.rule, p.desc, p.column, p.level] for p in linter.run(text, conf, relpath)
            ]
        seen[key] = problems
        for line, rule, desc, column, level in problems:
            findings.append(
                Finding(
                    f"{relpath}:{line}",
                    f"{STEP}/{rule or 'syntax'}",
                    f"{desc} (column {column}, {level})",
                )
            )
    _save(store, seen, known)
    detail = f"{linted} files"
    if findings:
        files_with = len({f.file.rsplit(":", 1)[0] for f in findings})
        return result(
            Status.FAILED, findings, f"{detail}, {len(findings)} problems in {files_with} files"
        )
    return result(Status.PASSED, [], f"{detail}, no problems")


def _load(store: Path | None) -> dict[str, list[Any]]:
    if store is None or not store.is_file():
        return {}
    try:
        data = json.loads(store.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _save(store: Path | None, seen: dict[str, list[Any]], known: dict[str, list[Any]]) -> None:
    if store is None:
        return
    kept = dict(seen)
    for key, value in known.items():
        if len(kept) >= _CACHE_LIMIT:
            break
        kept.setdefault(key, value)
    try:
        store.parent.mkdir(parents=True, exist_ok=True)
        staging = store.with_name(f".{store.name}.{os.getpid()}")
        staging.write_text(json.dumps(kept), encoding="utf-8")
        os.replace(staging, store)
    except OSError:
        pass  # a cache that cannot be written only costs time
