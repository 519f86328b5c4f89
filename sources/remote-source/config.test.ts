import { describe, expect, it } from '@jest/globals';
import { INTERNAL_REQUESTS } from '../../shared/api/internal-request.js';
import { apiVersionOf } from '../../shared/api/resource-type.js';
import { DEFAULT_RESOURCE, parseSourceConfig, SourceConfigError } from './config.js';

const sink = { K_SINK: 'http://broker.local/ns/default', REMOTE_KUBECONFIG: '/etc/remote/kubeconfig' };

describe('parseSourceConfig', () => {
  it('when only K_SINK is set in a pod, then it watches InternalRequests in all namespaces in-cluster, dropping status-only updates', () => {
    expect(parseSourceConfig([], { K_SINK: sink.K_SINK, KUBERNETES_SERVICE_HOST: '10.96.0.1' })).toEqual({
      kubeconfig: undefined,
      resource: { apiVersion: 'appstudio.redhat.com/v1alpha1', kind: 'InternalRequest', plural: 'internalrequests' },
      namespace: undefined,
      labelSelector: undefined,
      sink: 'http://broker.local/ns/default',
      ceOverrides: undefined,
      dropStatusOnlyUpdates: true,
    });
  });

  it('when environment variables name another kind, then the filter is off unless asked for', () => {
    const options = parseSourceConfig([], {
      ...sink,
      REMOTE_KUBECONFIG: '/etc/remote/kubeconfig',
      WATCH_API_VERSION: 'tekton.dev/v1',
      WATCH_KIND: 'PipelineRun',
      WATCH_NAMESPACE: 'ns1',
      WATCH_LABEL_SELECTOR: 'a=b',
      K_CE_OVERRIDES: '{"extensions":{"cluster":"public"}}',
    });
    expect(options).toMatchObject({
      kubeconfig: '/etc/remote/kubeconfig',
      resource: { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', plural: undefined },
      namespace: 'ns1',
      labelSelector: 'a=b',
      ceOverrides: { extensions: { cluster: 'public' } },
      dropStatusOnlyUpdates: false,
    });
  });

  it('when nothing names the kind, then the default is exactly shared/api’s InternalRequest resource', () => {
    expect(DEFAULT_RESOURCE).toEqual({ apiVersion: apiVersionOf(INTERNAL_REQUESTS), kind: INTERNAL_REQUESTS.kind, plural: INTERNAL_REQUESTS.plural });
  });

  it('when a flag and its environment variable are both set, then the flag wins', () => {
    const options = parseSourceConfig(['--namespace', 'from-flag', '--drop-status-only-updates=false'], { ...sink, WATCH_NAMESPACE: 'from-env' });
    expect(options.namespace).toBe('from-flag');
    expect(options.dropStatusOnlyUpdates).toBe(false);
  });

  it.each([
    [[], {}, /no sink/],
    [[], { ...sink, K_CE_OVERRIDES: '{' }, /not JSON/],
    [[], { ...sink, K_CE_OVERRIDES: '{"extensions":{"Bad-Name":"x"}}' }, /lower-case/],
    [[], { ...sink, WATCH_KIND: 'PipelineRun' }, /needs --api-version/],
    [[], { ...sink, WATCH_API_VERSION: 'tekton.dev/v1' }, /needs --kind/],
    [['--drop-status-only-updates', 'yes'], sink, /true or false/],
    [['--unknown', 'x'], sink, /Unknown option/],
    [[], { K_SINK: 'not a url' }, /not a URL/],
    [[], { K_SINK: 'http://broker.local/' }, /no kubeconfig: set REMOTE_KUBECONFIG or --kubeconfig/],
    [[], { K_SINK: 'ftp://broker.local/' }, /http or https/],
    [[], { ...sink, K_CE_OVERRIDES: '{"extensions":{"type":"x"}}' }, /type is a CloudEvents attribute/],
    [[], { ...sink, K_CE_OVERRIDES: '{"extensions":{"data":"x"}}' }, /data is a CloudEvents attribute/],
    [[], { ...sink, K_CE_OVERRIDES: '{"extensions":{"cluster":1}}' }, /extension cluster must be a string/],
    [[], { ...sink, K_CE_OVERRIDES: '{"extensions":["cluster"]}' }, /extensions must be an object/],
    [[], { ...sink, K_CE_OVERRIDES: '"public"' }, /it must be an object/],
  ])('when the configuration is unusable (%j %j), then it fails with a clear message', (argv, env, message) => {
    expect(() => parseSourceConfig(argv, env)).toThrow(SourceConfigError);
    expect(() => parseSourceConfig(argv, env)).toThrow(message);
  });
});
