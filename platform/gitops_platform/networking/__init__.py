"""Networking: the ingress controller (Traefik) and TLS certificates (cert-manager)."""
