/**
 * One model of API errors on the client side: the watcher's raw reader and the functions' client-node
 * port answer the same refusal with the same named error (shared/kube/errors.ts), each with the message
 * its callers log.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { INTERNAL_REQUESTS } from '../../shared/api/internal-request.js';
import { apiVersionOf } from '../../shared/api/resource-type.js';
import { GoneError, KubeApiError, ServerError, TooManyRequestsError } from '../../shared/kube/errors.js';
import { collectionPath, KubeReader } from '../../shared/watch/index.js';
import { startTestCluster } from '../sources/support/cluster.js';
import type { TestCluster } from '../sources/support/cluster.js';

let cluster: TestCluster;
beforeAll(async () => (cluster = await startTestCluster()));
afterAll(async () => cluster.server.stop());

const REQUESTS = { apiVersion: apiVersionOf(INTERNAL_REQUESTS), kind: INTERNAL_REQUESTS.kind, plural: INTERNAL_REQUESTS.plural };

async function refusal(call: () => Promise<unknown>): Promise<KubeApiError> {
  const err = await call().then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(KubeApiError);
  return err as KubeApiError;
}

describe('a refused list, read by the raw reader and by the client-node port', () => {
  it.each([
    { code: 403, reason: 'Forbidden', message: 'internalrequests is forbidden: User "x" cannot list resource', named: KubeApiError },
    { code: 410, reason: 'Expired', message: 'too old resource version', named: GoneError },
    { code: 429, reason: 'TooManyRequests', message: 'too many requests', named: TooManyRequestsError },
    { code: 503, reason: 'ServiceUnavailable', message: 'the server is shutting down', named: ServerError },
  ])('when the server answers $code $reason, then both name it $named.name with its code, reason and detail', async ({ code, reason, message, named }) => {
    const reader = new KubeReader(cluster.kc);
    cluster.server.faults.failNext({ verb: 'list', resource: 'internalrequests', count: 1, code, reason, message });
    const raw = await refusal(() => reader.getJson(collectionPath(REQUESTS, 'tenant')));
    cluster.server.faults.failNext({ verb: 'list', resource: 'internalrequests', count: 1, code, reason, message });
    const ported = await refusal(() => cluster.port.list(INTERNAL_REQUESTS, 'tenant'));

    for (const err of [raw, ported]) {
      expect(err.constructor).toBe(named);
      expect(err).toMatchObject({ code, reason, detail: message });
    }
    expect(raw.message).toBe(message);
    expect(ported.message).toBe(`public: list internalrequests.appstudio.redhat.com tenant: ${code} ${reason} ${message}`);
  });
});
