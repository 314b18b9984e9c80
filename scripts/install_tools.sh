#!/usr/bin/env bash
# Install the pinned Go tools of the validation pipeline into the project-local bin/.
#
#   scripts/install_tools.sh            install what is missing or at another version
#   BIN=/some/dir scripts/install_tools.sh
#
# Each tool is built from its Go module with `go install <module>@<exact version>` (Go is the
# one prerequisite). What was installed is recorded in bin/.versions, one line per tool; a tool
# whose line matches and whose binary exists is not rebuilt, so a second run installs nothing
# and prints nothing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${BIN:-$ROOT/bin}"
VERSIONS="$BIN/.versions"

# The one list of pinned tools, shipped in the package: name, Go package, version, -X flag (or -).
LIST="$ROOT/platform/gitops_platform/validation/defaults/tools.txt"
TOOLS=()
while read -r name pkg version stamp; do
  [[ -z "$name" || "$name" == \#* ]] && continue
  [[ "$stamp" == "-" ]] && stamp=""
  TOOLS+=("$name|$pkg|$version|$stamp")
done <"$LIST"

recorded() {  # recorded <line>: true when bin/.versions holds exactly this line
  [[ -f "$VERSIONS" ]] && grep -qxF -- "$1" "$VERSIONS"
}

todo=()
for entry in "${TOOLS[@]}"; do
  IFS='|' read -r name pkg version _ <<<"$entry"
  if ! recorded "$name $pkg@$version" || [[ ! -x "$BIN/$name" ]]; then
    todo+=("$entry")
  fi
done
[[ ${#todo[@]} -eq 0 ]] && exit 0

if ! command -v go >/dev/null 2>&1; then
  echo "install_tools: 'go' was not found on PATH." >&2
  echo "  The validation tools (helm, kubeconform, gator, kustomize) are built from their Go modules." >&2
  echo "  Install Go 1.24 or newer (https://go.dev/dl/, or your package manager), then run 'make tools'." >&2
  exit 127
fi

mkdir -p "$BIN"
for entry in "${todo[@]}"; do
  IFS='|' read -r name pkg version stamp <<<"$entry"
  ldflags="-s -w"
  [[ -n "$stamp" ]] && ldflags+=" -X $stamp=$version"
  echo "install_tools: go install $pkg@$version -> $BIN/$name" >&2
  start=$SECONDS
  if ! GOBIN="$BIN" GOFLAGS="${GOFLAGS:-} -buildvcs=false" go install -trimpath -ldflags="$ldflags" "$pkg@$version"; then
    echo "install_tools: building $name failed (see the go output above)." >&2
    echo "  The Go module proxy must be reachable (GOPROXY=$(go env GOPROXY))." >&2
    exit 1
  fi
  # Drop any older line for this tool, then record the new one.
  if [[ -f "$VERSIONS" ]]; then
    grep -v -- "^$name " "$VERSIONS" >"$VERSIONS.tmp" || true
    mv "$VERSIONS.tmp" "$VERSIONS"
  fi
  echo "$name $pkg@$version" >>"$VERSIONS"
  echo "install_tools: $name $version installed in $((SECONDS - start))s" >&2
done
