"""Rules shared by the constructs and the validation pipeline.

Pure Python: no cdk8s, no jsii; each module imports only :mod:`gitops_platform.errors` and
:mod:`gitops_platform.layout`, so the pipeline can apply the very rules the constructs apply.

* :mod:`~gitops_platform.rules.argocd`: Argo CD's AppProject rules (globs, repository URLs,
  destinations and their deny entries, resource kinds).
* :mod:`~gitops_platform.rules.versions`: the exact (semantic) version rule.
* :mod:`~gitops_platform.rules.credentials`: which keys hold credentials, and the literal-value
  check built on that definition (the policy constraint receives the same definition).
"""
