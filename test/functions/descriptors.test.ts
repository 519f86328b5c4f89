import { describe, expect, it } from '@jest/globals';
import { descriptor as admission } from '../../functions/admission/index.js';
import { descriptor as cleanup } from '../../functions/cleanup/index.js';
import { descriptor as creator } from '../../functions/pipelinerun-creator/index.js';
import { descriptor as resync } from '../../functions/resync/index.js';
import { descriptor as statusRelay } from '../../functions/status-relay/index.js';

const IR = 'InternalRequest';
const PR = 'PipelineRun';

describe('function descriptors (what Triggers must route to each function)', () => {
  it.each([
    {
      descriptor: admission,
      name: 'admission',
      consumes: [
        { type: 'dev.knative.apiserver.resource.add', kind: IR },
        { type: 'dev.knative.apiserver.resource.update', kind: IR },
      ],
      emits: ['dev.konflux.internalrequest.admitted.v1', 'dev.konflux.internalrequest.deleting.v1'],
    },
    {
      descriptor: creator,
      name: 'pipelinerun-creator',
      consumes: [{ type: 'dev.konflux.internalrequest.admitted.v1' }],
      emits: [],
    },
    {
      descriptor: statusRelay,
      name: 'status-relay',
      consumes: [
        { type: 'dev.knative.apiserver.resource.add', kind: PR },
        { type: 'dev.knative.apiserver.resource.update', kind: PR },
        { type: 'dev.knative.apiserver.resource.delete', kind: PR },
      ],
      emits: ['dev.konflux.internalrequest.completed.v1'],
    },
    {
      descriptor: cleanup,
      name: 'cleanup',
      consumes: [{ type: 'dev.konflux.internalrequest.completed.v1' }, { type: 'dev.konflux.internalrequest.deleting.v1' }],
      emits: [],
    },
    {
      descriptor: resync,
      name: 'resync',
      consumes: [{ type: 'dev.knative.sources.ping' }],
      emits: ['dev.knative.apiserver.resource.add', 'dev.konflux.internalrequest.deleting.v1', 'dev.konflux.internalrequest.completed.v1'],
    },
  ])('$name consumes and emits the events of docs/api.md "Events and the functions"', ({ descriptor, name, consumes, emits }) => {
    expect(descriptor).toEqual({ name, consumes, emits });
  });
});
