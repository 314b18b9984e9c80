"""Documents generated from the component model: the SLO document and the architecture picture.

:func:`~gitops_platform.docs.slo.slo_document` writes ``docs/slo.md`` from the same SLO objects
that render the ``PrometheusRule``; :func:`~gitops_platform.docs.architecture.architecture_document`
writes ``docs/architecture.md`` from a :class:`~gitops_platform.app.PlatformApp`.
:func:`~gitops_platform.docs.render.render_docs` writes both (``make synth`` runs it), and
:func:`~gitops_platform.docs.render.stale_docs` says which committed copy differs.
"""

from __future__ import annotations
