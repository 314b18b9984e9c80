"""``python -m gitops_platform.validation [PATH] [options]``: the ``validate`` command."""

from gitops_platform.validation.command import validate

if __name__ == "__main__":
    validate.main(prog_name="python -m gitops_platform.validation")
