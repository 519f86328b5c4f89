/**
 * CloudEvents as Knative's real ApiServerSource adapter delivered them (headers and body, byte for
 * byte), recorded by test/kube/apiserversource-equivalence.test.ts against a real kube-apiserver.
 * Record them again with `RECORD_APISERVERSOURCE_FIXTURES=1 npm run test:kube -- -t ApiServerSource`.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURE_DIR = resolve(import.meta.dirname, '..', 'fixtures', 'apiserversource');

export interface RecordedDelivery {
  headers: Record<string, string>;
  body: string;
}

export interface Fixture {
  recordedWith: string;
  deliveries: RecordedDelivery[];
}

export function fixtureFile(name: 'pipelineruns' | 'internalrequests' | string): string {
  return join(FIXTURE_DIR, `${name}.json`);
}

export function readFixture(name: 'pipelineruns' | 'internalrequests'): Fixture {
  return JSON.parse(readFileSync(fixtureFile(name), 'utf8')) as Fixture;
}
