"""Step 2: yamllint on every YAML file of the tree, with the repository's ``.yamllint.yaml``.

Every problem fails the step, warnings included (``yamllint --strict``): the tree is generated,
so a problem is a bug of the generator, not a matter of taste.
"""

from __future__ import annotations

from pathlib import Path

from yamllint import linter
from yamllint.config import YamlLintConfig, YamlLintConfigError

from gitops_platform.validation.report import Finding, Status, StepResult

__all__ = ["CONFIG_NAME", "STEP", "run_yamllint"]

STEP = "yamllint"
CONFIG_NAME = ".yamllint.yaml"


def run_yamllint(tree: Path, files: list[str], config: Path) -> StepResult:
    """Lint ``files`` (relative to ``tree``) with the configuration file ``config``.

    Args:
        tree: the tree's root; paths are matched against the configuration's ``ignore``
            relative to it.
        files: YAML files relative to ``tree``.
        config: the yamllint configuration.

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
    for relpath in files:
        if conf.is_file_ignored(relpath):
            continue
        linted += 1
        try:
            text = (tree / relpath).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            findings.append(Finding(relpath, f"{STEP}/read", str(error)))
            continue
        for problem in linter.run(text, conf, relpath):
            findings.append(
                Finding(
                    f"{relpath}:{problem.line}",
                    f"{STEP}/{problem.rule or 'syntax'}",
                    f"{problem.desc} (column {problem.column}, {problem.level})",
                )
            )
    detail = f"{linted} files"
    if findings:
        files_with = len({f.file.rsplit(":", 1)[0] for f in findings})
        return result(
            Status.FAILED, findings, f"{detail}, {len(findings)} problems in {files_with} files"
        )
    return result(Status.PASSED, [], f"{detail}, no problems")
