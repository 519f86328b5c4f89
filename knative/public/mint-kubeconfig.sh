#!/usr/bin/env bash
# Mints the kubeconfig the private cluster uses to reach the public one, from the
# internal-services-remote ServiceAccount that knative/public installs, and stores it as the
# Secret `remote-kubeconfig` (key `kubeconfig`) in the private cluster's internal-services
# namespace, or writes it to a file. The token is never printed.
set -euo pipefail

usage() {
  cat >&2 <<'EOF'
usage: mint-kubeconfig.sh --public-context CTX (--private-context CTX | --output FILE)
                          [--server URL] [--duration DURATION]

  --public-context CTX   kubectl context of the public cluster (where knative/public is applied)
  --private-context CTX  kubectl context of the private cluster: create or update the Secret there
  --output FILE          write the kubeconfig to FILE (mode 600) instead
  --server URL           the public API server URL as reachable from the private cluster's pods
                         (default: the server of the public context)
  --duration DURATION    use a short-lived token from the TokenRequest API (e.g. 720h) instead of
                         the long-lived token Secret; mint again before it expires
EOF
  exit 2
}

namespace=internal-services
account=internal-services-remote
token_secret=internal-services-remote-token
public_context='' private_context='' output='' server='' duration=''

while [ $# -gt 0 ]; do
  case "$1" in
    --public-context) public_context="${2:?}"; shift 2 ;;
    --private-context) private_context="${2:?}"; shift 2 ;;
    --output) output="${2:?}"; shift 2 ;;
    --server) server="${2:?}"; shift 2 ;;
    --duration) duration="${2:?}"; shift 2 ;;
    *) usage ;;
  esac
done
[ -n "$public_context" ] || usage
[ -n "$private_context" ] || [ -n "$output" ] || usage

public() { kubectl --context "$public_context" "$@"; }

cluster_field() {
  kubectl config view --raw --minify --flatten --context "$public_context" \
    -o "jsonpath={.clusters[0].cluster.$1}"
}

# The token controller fills the Secret shortly after it is created; wait for it.
long_lived_token() {
  local token='' tries=0
  while [ -z "$token" ] && [ "$tries" -lt 30 ]; do
    token="$(public -n "$namespace" get secret "$token_secret" -o 'jsonpath={.data.token}')"
    [ -n "$token" ] || { tries=$((tries + 1)); sleep 1; }
  done
  [ -n "$token" ] || { echo "secret $namespace/$token_secret has no token; is knative/public applied?" >&2; exit 1; }
  printf '%s' "$token" | base64 -d
}

if [ -n "$duration" ]; then
  token="$(public -n "$namespace" create token "$account" --duration "$duration")"
else
  token="$(long_lived_token)"
fi
[ -n "$server" ] || server="$(cluster_field server)"
ca_data="$(cluster_field certificate-authority-data)"
skip_tls="$(cluster_field insecure-skip-tls-verify)"
[ "$skip_tls" != true ] || echo "warning: the public context skips TLS verification; so will the minted kubeconfig" >&2

umask 077
kubeconfig="$(mktemp)"
trap 'rm -f "$kubeconfig"' EXIT
{
  echo 'apiVersion: v1'
  echo 'kind: Config'
  echo 'clusters:'
  echo '  - name: public'
  echo '    cluster:'
  echo "      server: $server"
  [ -z "$ca_data" ] || echo "      certificate-authority-data: $ca_data"
  [ "$skip_tls" != true ] || echo '      insecure-skip-tls-verify: true'
  echo 'users:'
  echo "  - name: $account"
  echo '    user:'
  echo "      token: $token"
  echo 'contexts:'
  echo '  - name: public'
  echo '    context:'
  echo '      cluster: public'
  echo "      user: $account"
  echo 'current-context: public'
} > "$kubeconfig"

if [ -n "$output" ]; then
  cp "$kubeconfig" "$output"
  chmod 600 "$output"
  echo "wrote $output" >&2
fi
# Server-side apply, so no last-applied-configuration annotation holds a second copy.
if [ -n "$private_context" ]; then
  kubectl --context "$private_context" -n "$namespace" create secret generic remote-kubeconfig \
    --from-file=kubeconfig="$kubeconfig" --dry-run=client -o yaml |
    kubectl --context "$private_context" apply --server-side --field-manager=mint-kubeconfig -f -
fi
