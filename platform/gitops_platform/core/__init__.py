"""The core model: environments, the platform description, naming rules and object emission.

Importing it checks, once, that jsii will run on a supported Node.js
(:func:`gitops_platform.node.warn_if_unsupported`): the constructs load jsii through it.
"""

from gitops_platform.node import warn_if_unsupported

warn_if_unsupported()
