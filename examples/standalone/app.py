"""A team's own Argo CD project and Application, with the constructs in a plain cdk8s app.

No platform around it: ``AppProject`` and ``ArgoApplication`` apply Argo CD's rules when they
are built (a source repository or destination the project does not allow is refused here, not
at sync time). The objects carry the team's ``app.kubernetes.io/part-of``, never the library's.

    python app.py            # writes out/team.k8s.yaml
"""

from __future__ import annotations

from cdk8s import App, Chart

from gitops_platform import (
    ApplicationProps,
    AppProject,
    ArgoApplication,
    Cluster,
    Destination,
    GitSource,
    GroupKind,
    HelmChartSource,
    ProjectProps,
)

REPO = "git@github.com:team/deploy.git"
CHARTS = "oci://ghcr.io/stefanprodan/charts"
PART_OF = "team-platform"


def build(outdir: str = "out") -> App:
    """The app: one project, one Application with a Git values source and an OCI chart."""
    app = App(outdir=outdir)
    chart = Chart(app, "team", disable_resource_name_hashes=True, namespace="argocd")
    project = ProjectProps(
        name="team",
        description="The team's services",
        source_repos=(REPO, CHARTS),
        destinations=(Destination(name="prd", namespace="team-*"),),
        cluster_resource_whitelist=(GroupKind("", "Namespace", "team-*"),),
    )
    AppProject(chart, "project", project, part_of=PART_OF)
    ArgoApplication(
        chart,
        "podinfo",
        ApplicationProps(
            name="team-podinfo",
            project=project,
            cluster=Cluster(name="prd"),
            namespace="team-podinfo",
            sources=(
                GitSource(repo_url=REPO, revision="20241129", ref="values"),
                HelmChartSource(
                    repo_url=CHARTS,
                    chart="podinfo",
                    version="6.9.2",
                    value_files=("$values/podinfo/values.yaml",),
                ),
            ),
        ),
        part_of=PART_OF,
    )
    return app


if __name__ == "__main__":
    build().synth()
