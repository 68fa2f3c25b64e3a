#!/usr/bin/env bash
# Runs the e2e suite against a kind cluster with the operator deployed from deploy/, for machines with
# Docker (the local testbed needs none). Usage: scripts/kind-e2e.sh [--keep]   (--keep leaves the cluster up)
set -euo pipefail
cd "$(dirname "$0")/.."

cluster=dataaction-operator-e2e
image=dataaction-operator:e2e # not :latest, which makes Kubernetes try to pull it
kubeconfig="$(mktemp -t kind-e2e-kubeconfig.XXXXXX)"

cleanup() {
  if [[ "${1:-}" != --keep ]]; then kind delete cluster --name "$cluster" >/dev/null 2>&1 || true; fi
  rm -f "$kubeconfig"
}
trap 'cleanup "${1:-}"' EXIT

for tool in kind docker kubectl; do
  command -v "$tool" >/dev/null || { echo "kind-e2e: $tool is not on PATH" >&2; exit 1; }
done

kind create cluster --name "$cluster" --config test/e2e/kind.yaml --kubeconfig "$kubeconfig" --wait 120s
docker build -t "$image" .
kind load docker-image "$image" --name "$cluster"

export KUBECONFIG="$kubeconfig"
kubectl apply -k deploy/
# The Deployment names the published image; point it at the one just loaded into the node.
kubectl -n dataaction-operator-system set image deployment/dataaction-operator "operator=$image"
kubectl -n dataaction-operator-system rollout status deployment/dataaction-operator --timeout=180s

TESTBED_KUBECONFIG="$kubeconfig" TESTBED_KUBECTL="$(command -v kubectl)" npx vitest run --project kube test/e2e
