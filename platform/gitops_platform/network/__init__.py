"""Network: typed flows and the NetworkPolicies generated from them.

:mod:`~gitops_platform.network.flows` holds the data (workloads, flows, ports);
:mod:`~gitops_platform.network.policies` the generation (default deny per namespace, DNS
egress, one allow policy per flow end).
"""
