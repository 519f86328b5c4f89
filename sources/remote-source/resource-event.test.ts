import { describe, expect, it } from '@jest/globals';
import { HTTP } from 'cloudevents';
import { changeEvent } from './resource-event.js';

const pipelineRuns = { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', plural: 'pipelineruns' };
const run = { apiVersion: 'tekton.dev/v1', kind: 'PipelineRun', metadata: { name: 'r1', namespace: 'ns1', uid: 'u1' }, spec: {} };

describe('resourceEvent', () => {
  it('when an object changes, then the event has the ApiServerSource Resource-mode shape', () => {
    const event = changeEvent({ change: 'update', obj: run, ref: pipelineRuns, serverUrl: 'https://10.96.0.1:443' });
    expect(event).toMatchObject({
      specversion: '1.0',
      type: 'dev.knative.apiserver.resource.update',
      source: 'https://10.96.0.1:443',
      subject: '/apis/tekton.dev/v1/namespaces/ns1/pipelineruns/r1',
      datacontenttype: 'application/json',
      kind: 'PipelineRun',
      apiversion: 'tekton.dev/v1',
      name: 'r1',
      namespace: 'ns1',
      data: run,
    });
  });

  it('when the same change is turned into events twice, then each gets a new id', () => {
    const input = { change: 'add' as const, obj: run, ref: pipelineRuns, serverUrl: 'http://s' };
    expect(changeEvent(input).id).not.toBe(changeEvent(input).id);
  });

  // ApiServerSource builds the subject as /apis/<apiVersion>/namespaces/<ns>/<plural>/<name> for every
  // resource, core group and cluster-scoped ones included, and always sets the namespace extension.
  it('when the resource is in the core group, then the subject still starts with /apis/, as ApiServerSource sends it', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'n' } };
    const event = changeEvent({ change: 'add', obj: pod, ref: { apiVersion: 'v1', kind: 'Pod', plural: 'pods' }, serverUrl: 'http://s' });
    expect(event.subject).toBe('/apis/v1/namespaces/n/pods/p');
  });

  it('when the resource is cluster-scoped, then the subject has an empty namespace and the namespace extension is empty, as ApiServerSource sends them', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } };
    const event = changeEvent({ change: 'add', obj: ns, ref: { apiVersion: 'v1', kind: 'Namespace', plural: 'namespaces' }, serverUrl: 'http://s' });
    expect(event.subject).toBe('/apis/v1/namespaces//namespaces/n');
    expect(HTTP.binary(event).headers).toMatchObject({ 'ce-namespace': '', 'ce-name': 'n', 'ce-kind': 'Namespace' });
  });

  it('when CE overrides are configured, then their extensions are set and win over the source’s own', () => {
    const event = changeEvent({ change: 'delete', obj: run, ref: pipelineRuns, serverUrl: 'http://s', overrides: { extensions: { cluster: 'internal', name: 'x' } } });
    const { headers, body } = HTTP.binary(event);
    expect(headers).toMatchObject({ 'ce-cluster': 'internal', 'ce-name': 'x', 'content-type': 'application/json' });
    expect(JSON.parse(body as string)).toEqual(run);
  });
});
