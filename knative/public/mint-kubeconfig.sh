#!/usr/bin/env bash
# Mints the kubeconfigs the private cluster uses to reach the public one, one per ServiceAccount that
# knative/public installs, and stores each as a Secret (key `kubeconfig`) in the private cluster's
# internal-services namespace, or writes them to a directory. Tokens are never printed.
#   Secret on the private cluster   public ServiceAccount         mounted by
#   remote-kubeconfig-watcher       internal-services-watcher     the remote watcher (ContainerSource)
#   remote-kubeconfig-functions     internal-services-functions   the four event functions
#   remote-kubeconfig-resync        internal-services-resync      the resync sweep
# All are minted together, from tokens read before anything is written, so a failure leaves the
# Secrets as they were.
set -euo pipefail

readonly namespace=internal-services
readonly identities=(watcher functions resync)

usage() {
  cat >&2 <<'EOF'
usage: mint-kubeconfig.sh --public-context CTX (--private-context CTX | --output DIR)
                          [--server URL] [--duration DURATION]

  --public-context CTX   kubectl context of the public cluster (where knative/public is applied)
  --private-context CTX  kubectl context of the private cluster: create or update the Secrets
                         remote-kubeconfig-watcher, remote-kubeconfig-functions and
                         remote-kubeconfig-resync there
  --output DIR           write DIR/watcher.kubeconfig, DIR/functions.kubeconfig and
                         DIR/resync.kubeconfig (mode 600; DIR is created, mode 700, if missing);
                         with --private-context, as well
  --server URL           the public API server URL as reachable from the private cluster's pods
                         (default: the server of the public context)
  --duration DURATION    use short-lived tokens from the TokenRequest API (e.g. 720h) instead of
                         the long-lived token Secrets; mint again before they expire
EOF
  exit "${1:-2}"
}

# Bad input: say what is wrong, then how to call the script.
bad_usage() {
  echo "mint-kubeconfig.sh: $*" >&2
  usage 2
}

fail() {
  echo "mint-kubeconfig.sh: $*" >&2
  exit 1
}

public_context='' private_context='' output='' server='' duration=''
while [ $# -gt 0 ]; do
  option="$1"
  case "$option" in
    -h | --help) usage 0 ;;
    --public-context | --private-context | --output | --server | --duration) ;;
    *) bad_usage "unknown option '$option'" ;;
  esac
  { [ $# -ge 2 ] && [ -n "$2" ] && [ "${2#--}" = "$2" ]; } || bad_usage "$option needs a value"
  case "$option" in
    --public-context) public_context="$2" ;;
    --private-context) private_context="$2" ;;
    --output) output="$2" ;;
    --server) server="$2" ;;
    --duration) duration="$2" ;;
  esac
  shift 2
done

[ -n "$public_context" ] || bad_usage '--public-context is required'
[ -n "$private_context" ] || [ -n "$output" ] || bad_usage 'give --private-context, --output or both: where the kubeconfigs go'
[ -z "$server" ] || [[ "$server" =~ ^https?://[^/[:space:]]+ ]] ||
  bad_usage "--server must be a URL such as https://public-api.example.com:6443, not '$server'"
[ -z "$duration" ] || [[ "$duration" =~ ^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$ ]] ||
  bad_usage "--duration must be a duration such as 720h or 90m, not '$duration'"
[ -z "$output" ] || [ ! -e "$output" ] || [ -d "$output" ] ||
  bad_usage "--output names a directory (for watcher.kubeconfig, functions.kubeconfig and resync.kubeconfig); '$output' is a file"

contexts="$(kubectl config get-contexts -o name)"
has_context() { grep -qxF -- "$1" <<<"$contexts"; }
has_context "$public_context" || fail "kubectl has no context named '$public_context'"
[ -z "$private_context" ] || has_context "$private_context" || fail "kubectl has no context named '$private_context'"

umask 077
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

public() { kubectl --context "$public_context" "$@"; }

cluster_field() {
  kubectl config view --raw --minify --flatten --context "$public_context" \
    -o "jsonpath={.clusters[0].cluster.$1}"
}

# The token controller fills the Secret shortly after it is created; wait for it.
long_lived_token() {
  local secret="$1" token='' tries=0
  while [ -z "$token" ] && [ "$tries" -lt 30 ]; do
    token="$(public -n "$namespace" get secret "$secret" -o 'jsonpath={.data.token}' 2>"$work/error")" || true
    [ -n "$token" ] || { tries=$((tries + 1)); sleep 1; }
  done
  [ -n "$token" ] || fail "secret $namespace/$secret on context '$public_context' has no token; is knative/public applied there? ($(cat "$work/error"))"
  printf '%s' "$token" | base64 -d
}

token_of() {
  local account="internal-services-$1"
  if [ -n "$duration" ]; then
    public -n "$namespace" create token "$account" --duration "$duration" ||
      fail "no token for ServiceAccount $namespace/$account on context '$public_context'; is knative/public applied there?"
  else
    long_lived_token "$account-token"
  fi
}

write_kubeconfig() {
  local account="$1" token="$2"
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
}

[ -n "$server" ] || server="$(cluster_field server)"
ca_data="$(cluster_field certificate-authority-data)"
skip_tls="$(cluster_field insecure-skip-tls-verify)"
[ "$skip_tls" != true ] || echo "warning: the public context skips TLS verification; so will the minted kubeconfigs" >&2

for name in "${identities[@]}"; do
  token="$(token_of "$name")"
  write_kubeconfig "internal-services-$name" "$token" > "$work/$name.kubeconfig"
done
unset token

if [ -n "$output" ]; then
  mkdir -p -m 700 "$output"
  for name in "${identities[@]}"; do
    cp "$work/$name.kubeconfig" "$output/$name.kubeconfig"
    chmod 600 "$output/$name.kubeconfig"
    echo "wrote $output/$name.kubeconfig (internal-services-$name)" >&2
  done
fi
# One server-side apply of all Secrets, so no last-applied-configuration annotation holds a second copy.
if [ -n "$private_context" ]; then
  for name in "${identities[@]}"; do
    echo '---'
    kubectl --context "$private_context" -n "$namespace" create secret generic "remote-kubeconfig-$name" \
      --from-file=kubeconfig="$work/$name.kubeconfig" --dry-run=client -o yaml
  done | kubectl --context "$private_context" apply --server-side --field-manager=mint-kubeconfig -f -
fi
