/** Marking the few tests that only the local API server can run, and why. */
import { it } from '@jest/globals';
import { onRealKube } from '../support/test-api-server.js';

/**
 * A test that only the local server can run, skipped on a real one (TEST_CLUSTER=kube). `why` names what
 * the real test bed lacks and goes into the test's name, so a skipped run says it.
 */
export function localOnly(why: string): (name: string, test: () => Promise<void>) => void {
  return (name, test) => (onRealKube() ? it.skip : it)(`${name} [local server only: ${why}]`, test);
}
