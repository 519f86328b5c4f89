import { describe } from '@jest/globals';
import { kubectlAvailable } from './render.js';

/** `describe` when kubectl can render the overlays; otherwise `describe.skip`, with a notice saying so. */
export function describeWithKubectl(): typeof describe | typeof describe.skip {
  if (kubectlAvailable()) return describe;
  console.warn('NOTICE: kubectl is not installed, so the knative/ manifest tests are SKIPPED. Install kubectl (1.27+) to run them.');
  return describe.skip;
}
