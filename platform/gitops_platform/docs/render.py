"""Render the generated documents of a platform and tell which committed copy is stale.

``make synth`` runs ``python -m gitops_platform.docs.render platform/main.py docs`` after
``cdk8s synth``: it loads the app module's ``build()`` (the same composition ``cdk8s synth``
renders) and writes ``slo.md`` and ``architecture.md`` into the folder.
``tests/docs/test_generated_docs.py`` checks the committed copies with :func:`stale_docs`.
"""

from __future__ import annotations

import argparse
import difflib
import importlib.util
import sys
from collections.abc import Mapping
from pathlib import Path

from gitops_platform.app import PlatformApp
from gitops_platform.docs.architecture import architecture_document
from gitops_platform.docs.slo import slo_document
from gitops_platform.errors import ConfigurationError
from gitops_platform.observability.gateway import VectorGateway
from gitops_platform.observability.stack import ObservabilityStack

__all__ = ["ARCHITECTURE_DOC", "SLO_DOC", "load_app", "main", "render_docs", "stale_docs"]

#: The generated documents, relative to the documentation folder.
SLO_DOC = "slo.md"
ARCHITECTURE_DOC = "architecture.md"


def render_docs(app: PlatformApp) -> dict[str, str]:
    """The generated documents of ``app``: file name (relative to ``docs/``) -> text.

    ``slo.md`` is written only when the platform has an :class:`ObservabilityStack` (the SLOs
    are its ``slos``).
    """
    docs = {ARCHITECTURE_DOC: architecture_document(app)}
    stacks = [c for c in app.components if isinstance(c, ObservabilityStack)]
    if stacks:
        gateways = [c for c in app.components if isinstance(c, VectorGateway)]
        otlp = [e for g in gateways for e in (g.otlp_grpc, g.otlp_http)]
        docs[SLO_DOC] = slo_document(stacks[0], app.spec.environments, otlp)
    return docs


def stale_docs(expected: Mapping[str, str], folder: Path) -> list[str]:
    """One message (with a unified diff) per document of ``expected`` that differs in ``folder``.

    Args:
        expected: file name -> text, as :func:`render_docs` returns.
        folder: the committed documentation folder.

    Returns:
        Empty when every document is there and identical.
    """
    problems = []
    for name, text in sorted(expected.items()):
        path = folder / name
        if not path.is_file():
            problems.append(f"{path}: missing; run `make synth`")
            continue
        committed = path.read_text()
        if committed != text:
            diff = "".join(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    f"{path} (committed)",
                    f"{path} (rendered)",
                    n=1,
                )
            )
            problems.append(f"{path}: stale; run `make synth`\n{diff}")
    return problems


def load_app(module_path: Path) -> PlatformApp:
    """Import the app module at ``module_path`` and return its ``build()``.

    Raises:
        ConfigurationError: the module has no ``build()`` returning a :class:`PlatformApp`.
    """
    spec = importlib.util.spec_from_file_location("_platform_app_module", module_path)
    if spec is None or spec.loader is None:
        raise ConfigurationError(str(module_path), "module", str(module_path), "a Python file")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    build = getattr(module, "build", None)
    app = build() if callable(build) else None
    if not isinstance(app, PlatformApp):
        raise ConfigurationError(
            str(module_path), "build", app, "a build() function returning a PlatformApp"
        )
    return app


def main(argv: list[str] | None = None) -> int:
    """Write the generated documents: ``render APP_MODULE DOCS_FOLDER``."""
    parser = argparse.ArgumentParser(prog="python -m gitops_platform.docs.render")
    parser.add_argument("app", type=Path, help="the app module with build() (platform/main.py)")
    parser.add_argument("folder", type=Path, help="the documentation folder (docs)")
    args = parser.parse_args(argv)
    docs = render_docs(load_app(args.app))
    changed = stale_docs(docs, args.folder)
    for name, text in docs.items():
        (args.folder / name).write_text(text)
    print(f"docs: {len(docs)} generated, {len(changed)} changed", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
