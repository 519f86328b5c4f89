/**
 * Kubeconfig YAML pointing at one server, with an optional bearer token and default namespace.
 * The server speaks plain HTTP on loopback; client-node refuses http:// clusters unless
 * insecure-skip-tls-verify is set, so it is.
 */
import { stringify } from 'yaml';

export interface KubeconfigOptions { token?: string; namespace?: string }

export function kubeconfigYaml(name: string, url: string, opts: KubeconfigOptions = {}): string {
  const user = opts.token ? { token: opts.token } : {};
  const context = { cluster: name, user: name, ...(opts.namespace ? { namespace: opts.namespace } : {}) };
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server: url, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user }],
    contexts: [{ name, context }],
    'current-context': name,
    preferences: {},
  });
}
