import { describe, expect, it } from '@jest/globals';
import { FINALIZER, SYSTEM_SERVICE_ACCOUNTS } from '../api/index.js';
import type { InternalServicesConfigSpec } from '../api/index.js';
import { aConfigSpec, anInternalRequest } from '../api/testing.js';
import type { RequestParts } from '../api/testing.js';
import { decideAdmission, decideOnEventCopy, findRejection } from './admission.js';
import { ADMISSION_LIMITS } from './admission-checks.js';

const NOW = new Date('2025-01-02T03:04:05Z');

/** A request that already carries the finalizer, so the checks decide. */
function request(parts: RequestParts = {}): ReturnType<typeof anInternalRequest> {
  return anInternalRequest({ ...parts, metadata: { finalizers: [FINALIZER], ...parts.metadata } });
}

function gitRequest(url: string): ReturnType<typeof anInternalRequest> {
  const params = [
    { name: 'url', value: url },
    { name: 'revision', value: 'main' },
    { name: 'pathInRepo', value: 'pipelines/push/push.yaml' },
  ];
  return request({ spec: { pipeline: { pipelineRef: { resolver: 'git', params } } } });
}

function rejectionOf(parts: RequestParts, config: Partial<InternalServicesConfigSpec> = {}): string | undefined {
  return findRejection(request(parts), aConfigSpec(config))?.message;
}

describe('Admission: add finalizer once (never duplicated)', () => {
  it('when the finalizer is missing, then the decision is a patch adding it next to the others', () => {
    const ir = anInternalRequest({ metadata: { finalizers: ['example.com/keep'] } });
    expect(decideAdmission(ir, aConfigSpec(), NOW)).toEqual({
      action: 'add-finalizer',
      patch: { merge: { metadata: { resourceVersion: '7', finalizers: ['example.com/keep', FINALIZER] } } },
    });
  });

  it('when the finalizer is there, then it is not added again and the checks decide', () => {
    expect(decideAdmission(request(), aConfigSpec(), NOW)).toEqual({ action: 'admit' });
  });
});

describe('Admission: deleting and completed requests come first', () => {
  it('when deletionTimestamp is set, then reply deleting (even if completed)', () => {
    const ir = request({
      metadata: { deletionTimestamp: '2025-01-02T03:04:00Z' },
      status: { conditions: [{ type: 'Succeeded', status: 'True', reason: 'Succeeded', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' }] },
    });
    expect(decideAdmission(ir, aConfigSpec(), NOW)).toEqual({ action: 'reply-deleting' });
  });

  it('when the request is completed, then it is ignored, even by a config that would now reject it', () => {
    const ir = anInternalRequest({
      status: { conditions: [{ type: 'Succeeded', status: 'False', reason: 'Failed', message: 'x', lastTransitionTime: '2025-01-01T00:00:00Z' }] },
    });
    expect(decideAdmission(ir, aConfigSpec({ allowList: [] }), NOW)).toEqual({ action: 'ignore-completed' });
  });

  it('when the request is already Running, then it is not judged again, even by a config that would now reject it', () => {
    const ir = request({
      status: { conditions: [{ type: 'Succeeded', status: 'False', reason: 'Running', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' }] },
    });
    expect(decideAdmission(ir, aConfigSpec({ allowList: [] }), NOW)).toEqual({ action: 'ignore-started' });
  });

  it('when a Running request lost the finalizer, then it is added back before anything else', () => {
    const ir = anInternalRequest({
      status: { conditions: [{ type: 'Succeeded', status: 'False', reason: 'Running', message: '', lastTransitionTime: '2025-01-01T00:00:00Z' }] },
    });
    expect(decideAdmission(ir, aConfigSpec(), NOW)).toMatchObject({ action: 'add-finalizer' });
  });
});

describe('Admission: namespace must be in allowList', () => {
  const table = [
    { name: 'namespace listed → admitted', allowList: ['other', 'tenant'], rejected: undefined },
    { name: 'namespace not listed → rejected', allowList: ['other'], rejected: 'the internal request namespace (tenant) is not in the allow list' },
    { name: 'an empty allowList rejects everything', allowList: [], rejected: 'the internal request namespace (tenant) is not in the allow list' },
  ];
  it.each(table)('$name', ({ allowList, rejected }) => {
    expect(rejectionOf({}, { allowList })).toBe(rejected);
  });

  it('when rejected, then the status patch says Rejected with the message and sets no completionTime', () => {
    const decision = decideAdmission(request(), aConfigSpec({ allowList: [] }), NOW);
    expect(decision).toEqual({
      action: 'reject',
      check: 'namespace-allowed',
      message: 'the internal request namespace (tenant) is not in the allow list',
      patch: {
        merge: {
          metadata: { resourceVersion: '7' },
          status: {
            conditions: [
              {
                type: 'Succeeded',
                status: 'False',
                reason: 'Rejected',
                message: 'the internal request namespace (tenant) is not in the allow list',
                lastTransitionTime: '2025-01-02T03:04:05Z',
              },
            ],
          },
        },
      },
    });
  });
});

describe('Admission: git resolver URL allow-list', () => {
  const allowed = ['https://github.com/org/catalog.git', 'https://gitlab.com/org/catalog.git'];
  it('when the resolver is git and the list is non-empty, then the url param must equal one entry', () => {
    expect(findRejection(gitRequest(allowed[1] ?? ''), aConfigSpec({ allowedGitResolverURLs: allowed }))).toBeUndefined();
  });

  it('when the url is not listed, then Rejected with a message naming the URL', () => {
    const rejection = findRejection(gitRequest('https://evil.example/x.git'), aConfigSpec({ allowedGitResolverURLs: allowed }));
    expect(rejection).toEqual({
      check: 'git-resolver-url-allowed',
      message:
        'the pipeline git resolver URL (https://evil.example/x.git) is not in the allowed list: ' +
        '[https://github.com/org/catalog.git https://gitlab.com/org/catalog.git]',
    });
  });

  it('when the url is only a prefix of an entry, then it is rejected (exact match)', () => {
    expect(findRejection(gitRequest('https://github.com/org/catalog'), aConfigSpec({ allowedGitResolverURLs: allowed }))?.check).toBe(
      'git-resolver-url-allowed',
    );
  });

  it('when the list is empty, then any git URL is allowed', () => {
    expect(findRejection(gitRequest('https://anywhere.example/x.git'), aConfigSpec())).toBeUndefined();
  });

  it('other resolvers skip this check', () => {
    expect(rejectionOf({}, { allowedGitResolverURLs: allowed })).toBeUndefined();
  });
});

describe('Admission (better): allowedResolvers and allowedServiceAccounts, empty = no restriction', () => {
  const table = [
    { name: 'resolver listed → admitted', spec: {}, config: { allowedResolvers: ['cluster'] }, rejected: undefined },
    { name: 'no resolver restriction → admitted', spec: {}, config: {}, rejected: undefined },
    {
      name: 'resolver not listed → rejected',
      spec: {},
      config: { allowedResolvers: ['git', 'bundles'] },
      rejected: 'the pipeline resolver (cluster) is not in the allowed list: [git bundles]',
    },
    { name: 'service account listed → admitted', spec: { serviceAccount: 'release' }, config: { allowedServiceAccounts: ['release'] }, rejected: undefined },
    { name: 'no service account restriction → admitted', spec: { serviceAccount: 'admin' }, config: {}, rejected: undefined },
    { name: "no service account asked → Tekton's default, admitted", spec: {}, config: { allowedServiceAccounts: ['release'] }, rejected: undefined },
    {
      name: 'service account not listed → rejected',
      spec: { serviceAccount: 'admin' },
      config: { allowedServiceAccounts: ['release'] },
      rejected: 'the service account (admin) is not in the allowed list: [release]',
    },
  ];
  it.each(table)('$name', ({ spec, config, rejected }) => {
    expect(rejectionOf({ spec }, config)).toBe(rejected);
  });
});

describe('Admission (better): the system\'s own service accounts never run a request', () => {
  const own = (account: string): string => `the service account (${account}) is one of the internal services' own and cannot run a request's pipeline`;
  const table = [
    ...SYSTEM_SERVICE_ACCOUNTS.map((account) => ({ name: `${account}, with no allow list → rejected`, account, config: {}, rejected: own(account) })),
    { name: 'cleanup, even when the allow list names it → rejected', account: 'cleanup', config: { allowedServiceAccounts: ['cleanup'] }, rejected: own('cleanup') },
    {
      name: 'cleanup, not in a list naming others → the allow list speaks first',
      account: 'cleanup',
      config: { allowedServiceAccounts: ['release'] },
      rejected: 'the service account (cleanup) is not in the allowed list: [release]',
    },
    { name: 'a tenant account sharing a prefix (cleanup-bot) → admitted', account: 'cleanup-bot', config: {}, rejected: undefined },
    { name: "Tekton's default account (default) → admitted", account: 'default', config: {}, rejected: undefined },
  ];
  it.each(table)('$name', ({ account, config, rejected }) => {
    expect(rejectionOf({ spec: { serviceAccount: account } }, config)).toBe(rejected);
  });

  it('when no service account is asked for, then Tekton\'s default runs it and this check has nothing to say', () => {
    expect(rejectionOf({})).toBeUndefined();
  });
});

describe('Admission (better): Tekton param names validated', () => {
  const clusterRef = (params: Array<{ name: string; value: string }>): RequestParts => ({
    spec: { pipeline: { pipelineRef: { resolver: 'cluster', params } } },
  });
  const table = [
    { name: 'letters, digits, _, - and . → admitted', parts: { spec: { params: { _a: '1', 'b-2.c_D': '2' } } }, rejected: undefined },
    { name: 'starting with a digit → rejected', parts: { spec: { params: { '1st': 'x' } } }, rejected: 'the parameter name (1st) in spec.params' },
    { name: 'containing a space → rejected', parts: { spec: { params: { 'a b': 'x' } } }, rejected: 'the parameter name (a b) in spec.params' },
    { name: 'empty → rejected', parts: { spec: { params: { '': 'x' } } }, rejected: 'the parameter name () in spec.params' },
    {
      name: 'invalid resolver param name → rejected',
      parts: clusterRef([{ name: '$name', value: 'x' }]),
      rejected: 'the parameter name ($name) in spec.pipeline.pipelineRef.params',
    },
    {
      name: 'duplicate resolver param name → rejected',
      parts: clusterRef([{ name: 'name', value: 'a' }, { name: 'name', value: 'b' }]),
      rejected: 'the parameter name (name) appears twice in spec.pipeline.pipelineRef.params',
    },
  ];
  it.each(table)('$name', ({ parts, rejected }) => {
    const message = rejectionOf(parts);
    if (rejected === undefined) expect(message).toBeUndefined();
    else expect(message).toContain(rejected);
  });
});

describe('Admission (better): oversized specs (params or labels) rejected with a message', () => {
  const manyParams = Object.fromEntries(Array.from({ length: ADMISSION_LIMITS.params + 1 }, (_, i) => [`p${i}`, 'v']));
  const bigParams = { big: 'x'.repeat(ADMISSION_LIMITS.paramBytes) };
  const manyLabels = Object.fromEntries(Array.from({ length: ADMISSION_LIMITS.labels + 1 }, (_, i) => [`l${i}`, 'v']));
  const table = [
    { name: 'too many params', parts: { spec: { params: manyParams } }, rejected: `spec.params has ${ADMISSION_LIMITS.params + 1} entries, more than the limit of ${ADMISSION_LIMITS.params}` },
    { name: 'params too large', parts: { spec: { params: bigParams } }, rejected: `spec.params has ${ADMISSION_LIMITS.paramBytes + 3} bytes, more than the limit of ${ADMISSION_LIMITS.paramBytes}` },
    { name: 'too many labels', parts: { metadata: { labels: manyLabels } }, rejected: `metadata.labels has ${ADMISSION_LIMITS.labels + 1} entries, more than the limit of ${ADMISSION_LIMITS.labels}` },
    {
      name: 'a name that cannot be a label value on the PipelineRun',
      parts: { metadata: { name: 'n'.repeat(64) } },
      rejected: `the internal request name (${'n'.repeat(64)}) is longer than 63 characters and cannot label its PipelineRun`,
    },
    { name: 'a timeout that is no Go duration', parts: { spec: { timeouts: { pipeline: '1 hour' } } }, rejected: 'spec.timeouts.pipeline (1 hour) is not a duration such as 1h30m0s' },
    { name: 'exactly at the limits → admitted', parts: { spec: { params: Object.fromEntries(Object.entries(manyParams).slice(1)), timeouts: { pipeline: '1h30m0s', tasks: '1h', finally: '1.5s' } } }, rejected: undefined },
  ];
  it.each(table)('$name', ({ parts, rejected }) => {
    expect(rejectionOf(parts as RequestParts)).toBe(rejected);
  });
});

describe('Admission: the first failing check wins, access rules before the rest', () => {
  it('when the namespace and a param name both fail, then the namespace is the reason', () => {
    expect(findRejection(request({ spec: { params: { '1': 'x' } } }), aConfigSpec({ allowList: [] }))?.check).toBe('namespace-allowed');
  });
});

describe('Admission: what the event\'s copy of a request may decide without a read (principle 1)', () => {
  const condition = (status: 'True' | 'False', reason: string) => ({ conditions: [{ type: 'Succeeded', status, reason, message: '', lastTransitionTime: '2025-01-01T00:00:00Z' }] });
  it.each([
    { name: 'a deletion begun → reply deleting (cleanup re-reads)', ir: request({ metadata: { deletionTimestamp: '2025-01-02T03:04:00Z' } }), action: 'reply-deleting' },
    { name: 'completed → ignored (a completed request never changes again)', ir: anInternalRequest({ status: condition('True', 'Succeeded') }), action: 'ignore-completed' },
    { name: 'Running → ignored (a running request is never judged again)', ir: request({ status: condition('False', 'Running') }), action: 'ignore-started' },
    { name: 'no finalizer → hold it: add the finalizer under the copy\'s resourceVersion', ir: anInternalRequest(), action: 'add-finalizer' },
    { name: 'held, not started → read: admitting or rejecting is judged on what the server has', ir: request(), action: 'read' },
    { name: 'held, and a config would reject it → read all the same', ir: request({ metadata: { namespace: 'elsewhere' } }), action: 'read' },
  ])('$name', ({ ir, action }) => {
    expect(decideOnEventCopy(ir).action).toBe(action);
  });

  it('the hold names the copy\'s resourceVersion, so a stale copy is refused (409) and the request read', () => {
    expect(decideOnEventCopy(anInternalRequest({ metadata: { resourceVersion: '41' } }))).toEqual({
      action: 'add-finalizer',
      patch: { merge: { metadata: { resourceVersion: '41', finalizers: [FINALIZER] } } },
    });
  });
});
