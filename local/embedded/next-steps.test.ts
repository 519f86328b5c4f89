import { describe, expect, it } from '@jest/globals';
import { nextSteps } from './next-steps.js';
import type { EmbeddedSystem } from './start-embedded.js';

/** Only what nextSteps reads. */
function aSystem(): EmbeddedSystem {
  const cluster = (name: string): { server: string; kubeconfig: string } => ({ server: `http://127.0.0.1:1/${name}`, kubeconfig: `/work/.local/${name}.kubeconfig` });
  return {
    endpoints: { clusters: { public: cluster('public'), internal: cluster('internal') }, broker: 'http://127.0.0.1:2/', functions: {} },
    endpointsFile: '/work/.local/endpoints.json',
    serviceNamespace: 'the-config-namespace',
    pipelineRunNamespace: 'the-run-namespace',
    localClusters: undefined,
    events: 'in-process',
  } as unknown as EmbeddedSystem;
}

describe('what npm start prints once it runs', () => {
  it('when it says where to look, then the runs are listed in the pipeline-run namespace and the config read in the service namespace', () => {
    const text = nextSteps(aSystem(), '/work');
    expect(text).toContain('--kubeconfig .local/internal.kubeconfig get pipelineruns -n the-run-namespace\n');
    expect(text).toContain('get internalservicesconfigs/config -n the-config-namespace -o yaml');
    expect(text).not.toContain('pipelineruns -n the-config-namespace');
  });

  it('when it says where things are, then it says how events travel, and how to make them go over HTTP', () => {
    expect(nextSteps(aSystem(), '/work')).toContain('events            handed from part to part in this process (--over-http: over loopback HTTP, as in a cluster)');
    expect(nextSteps({ ...aSystem(), events: 'over HTTP' }, '/work')).toContain('events            over loopback HTTP, as in a cluster');
  });
});
