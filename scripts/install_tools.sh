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
#
# The Kubernetes server tools (kube-apiserver, etcd, kubectl) cannot be built by `go install`:
# k8s.io/kubernetes replaces its staging modules by local folders. They are built with `go build`
# from the committed wrapper module tools/kube/, whose go.mod pins them; their line in
# bin/.versions carries a digest of that module, so editing it rebuilds them.
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

# The Kubernetes server tools, built from the wrapper module tools/kube/.
KUBE_MODULE="$ROOT/tools/kube"
KUBE_VERSION="$(awk '$1 == "k8s.io/kubernetes" {print $2}' "$KUBE_MODULE/go.mod")"
ETCD_VERSION="$(awk '$1 == "go.etcd.io/etcd/server/v3" {print $2}' "$KUBE_MODULE/go.mod")"
KUBE_MINOR="$(cut -d. -f2 <<<"$KUBE_VERSION")"
KUBE_DIGEST="$(cat "$KUBE_MODULE/go.mod" "$KUBE_MODULE/go.sum" "$KUBE_MODULE/tools.go" "$KUBE_MODULE/etcd/main.go" \
  | sha256sum | cut -c1-12)"
# -X flags that stamp the Kubernetes version (without them the server reports
# v0.0.0-master+$Format:%H$, which `kubectl version` cannot parse).
kube_stamps=""
for stamp_pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  kube_stamps+=" -X $stamp_pkg.gitVersion=$KUBE_VERSION -X $stamp_pkg.gitMajor=1"
  kube_stamps+=" -X $stamp_pkg.gitMinor=$KUBE_MINOR -X $stamp_pkg.gitTreeState=clean"
done
# name | package built in tools/kube | module@version recorded | -X flags
KUBE_TOOLS=(
  "kube-apiserver|k8s.io/kubernetes/cmd/kube-apiserver|k8s.io/kubernetes/cmd/kube-apiserver@$KUBE_VERSION|$kube_stamps"
  "kubectl|k8s.io/kubernetes/cmd/kubectl|k8s.io/kubernetes/cmd/kubectl@$KUBE_VERSION|$kube_stamps"
  "etcd|./etcd|go.etcd.io/etcd/server/v3@$ETCD_VERSION|"
)
kube_line() {  # kube_line <name> <module@version>: the bin/.versions line of a server tool
  echo "$1 $2 tools/kube@$KUBE_DIGEST"
}

# Rust tools from crates.io, built with `cargo install --locked` (cargo is then a prerequisite).
# vrl 0.33.1 is the VRL version Vector 0.56.0 (the gateway's image) pins in its Cargo.toml.
# name | crate | version
CARGO_TOOLS=(
  "vrl|vrl|0.33.1"
)

todo=()
for entry in "${TOOLS[@]}"; do
  IFS='|' read -r name pkg version _ <<<"$entry"
  if ! recorded "$name $pkg@$version" || [[ ! -x "$BIN/$name" ]]; then
    todo+=("$entry")
  fi
done
kube_todo=()
for entry in "${KUBE_TOOLS[@]}"; do
  IFS='|' read -r name _ pinned _ <<<"$entry"
  if ! recorded "$(kube_line "$name" "$pinned")" || [[ ! -x "$BIN/$name" ]]; then
    kube_todo+=("$entry")
  fi
done
cargo_todo=()
for entry in "${CARGO_TOOLS[@]}"; do
  IFS='|' read -r name crate version <<<"$entry"
  if ! recorded "$name crates.io/$crate@$version" || [[ ! -x "$BIN/$name" ]]; then
    cargo_todo+=("$entry")
  fi
done
[[ ${#todo[@]} -eq 0 && ${#kube_todo[@]} -eq 0 && ${#cargo_todo[@]} -eq 0 ]] && exit 0

if ! command -v go >/dev/null 2>&1; then
  echo "install_tools: 'go' was not found on PATH." >&2
  echo "  The validation tools (helm, kubeconform, gator, kustomize, kube-apiserver, etcd, kubectl)" >&2
  echo "  are built from their Go modules." >&2
  echo "  Install Go 1.24 or newer (https://go.dev/dl/, or your package manager), then run 'make tools'." >&2
  exit 127
fi

record() {  # record <name> <line>: replace any older line for this tool in bin/.versions
  if [[ -f "$VERSIONS" ]]; then
    grep -v -- "^$1 " "$VERSIONS" >"$VERSIONS.tmp" || true
    mv "$VERSIONS.tmp" "$VERSIONS"
  fi
  echo "$2" >>"$VERSIONS"
}

mkdir -p "$BIN"
for entry in "${todo[@]+"${todo[@]}"}"; do
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
  record "$name" "$name $pkg@$version"
  echo "install_tools: $name $version installed in $((SECONDS - start))s" >&2
done
for entry in "${kube_todo[@]+"${kube_todo[@]}"}"; do
  IFS='|' read -r name pkg pinned stamps <<<"$entry"
  echo "install_tools: go build -C tools/kube $pkg ($pinned) -> $BIN/$name" >&2
  start=$SECONDS
  # -mod=readonly: the committed go.mod and go.sum are the pins; a build never edits them.
  if ! GOFLAGS="${GOFLAGS:-} -buildvcs=false -mod=readonly" go build -C "$KUBE_MODULE" -trimpath \
    -ldflags="-s -w$stamps" -o "$BIN/$name" "$pkg"; then
    echo "install_tools: building $name failed (see the go output above)." >&2
    echo "  The Go module proxy must be reachable (GOPROXY=$(go env GOPROXY))." >&2
    exit 1
  fi
  record "$name" "$(kube_line "$name" "$pinned")"
  echo "install_tools: $name ${pinned##*@} installed in $((SECONDS - start))s" >&2
done
if [[ ${#cargo_todo[@]} -gt 0 ]] && ! command -v cargo >/dev/null 2>&1; then
  echo "install_tools: 'cargo' was not found on PATH; vrl (the VRL engine) is built from crates.io." >&2
  echo "  Install Rust 1.90 or newer (https://rustup.rs), then run 'make tools'." >&2
  exit 127
fi
for entry in "${cargo_todo[@]+"${cargo_todo[@]}"}"; do
  IFS='|' read -r name crate version <<<"$entry"
  echo "install_tools: cargo install $crate@$version -> $BIN/$name" >&2
  start=$SECONDS
  root="$(mktemp -d)"
  # A build folder kept outside the checkout (like Go's build cache), so a fresh clone reuses
  # the compiled crates instead of building them all again.
  target="${CARGO_TARGET_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gitops-platform/cargo-target}"
  if ! CARGO_TARGET_DIR="$target" cargo install "$crate" --version "$version" --locked \
    --root "$root" --quiet; then
    echo "install_tools: building $name failed (see the cargo output above)." >&2
    exit 1
  fi
  mv "$root/bin/$name" "$BIN/$name"
  rm -rf "$root"
  record "$name" "$name crates.io/$crate@$version"
  echo "install_tools: $name $version installed in $((SECONDS - start))s" >&2
done
