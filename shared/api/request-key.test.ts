import { describe, expect, it } from '@jest/globals';
import { REQUEST_NAME_LABEL, REQUEST_NAMESPACE_LABEL } from './labels.js';
import { requestKeyOf } from './request-key.js';

const UID = '0b5c6a7e-1d2f-4a3b-9c8d-7e6f5a4b3c2d';

describe('the key that follows a request through the logs', () => {
  it.each([
    ['an InternalRequest', { kind: 'InternalRequest', metadata: { namespace: 'team-a', name: 'hello', uid: UID } }, { request: 'team-a/hello', requestUid: UID }],
    ['a reference event', { namespace: 'team-a', name: 'hello', uid: UID }, { request: 'team-a/hello', requestUid: UID }],
    ['a completed event naming its run', { namespace: 'team-a', name: 'hello', uid: UID, pipelineRun: `p/internalrequest-${UID}` }, { request: 'team-a/hello', requestUid: UID }],
    [
      'a PipelineRun of a request',
      { kind: 'PipelineRun', metadata: { namespace: 'runs', name: `internalrequest-${UID}`, labels: { [REQUEST_NAME_LABEL]: 'hello', [REQUEST_NAMESPACE_LABEL]: 'team-a' } } },
      { request: 'team-a/hello', requestUid: UID },
    ],
    ['a PipelineRun with no kind, named after its request', { metadata: { namespace: 'runs', name: `internalrequest-${UID}` } }, { requestUid: UID }],
    ['a PipelineRun named otherwise', { kind: 'PipelineRun', metadata: { namespace: 'runs', name: 'mine', labels: { [REQUEST_NAME_LABEL]: 'hello', [REQUEST_NAMESPACE_LABEL]: 'team-a' } } }, { request: 'team-a/hello' }],
    ['an InternalRequest whose name looks like a run', { kind: 'InternalRequest', metadata: { namespace: 't', name: `internalrequest-${UID}`, uid: 'u' } }, { request: `t/internalrequest-${UID}`, requestUid: 'u' }],
    ['a ping', 'ping', {}],
    ['nothing', undefined, {}],
    ['an object without names', { metadata: { labels: {} } }, {}],
    ['names that are not text', { namespace: 1, name: ['x'], uid: {} }, {}],
  ])('when a line is about %s, then the key is %j', (_what, subject, key) => {
    expect(requestKeyOf(subject)).toEqual(key);
  });
});
