"""The validation pipeline: real tools and schemas run over a rendered GitOps tree.

It is separate from the constructs: it reads a tree of YAML files (``dist/`` or any other
folder) and imports only the tree's layout (:mod:`gitops_platform.layout`), the shared rules,
the error hierarchy and the output helpers, never the constructs or the command line (an
import-linter contract in ``pyproject.toml`` holds it to that). The freshness step re-renders
the tree by running ``cdk8s synth`` in a subprocess.
"""
