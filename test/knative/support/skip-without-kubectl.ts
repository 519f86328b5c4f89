import { describe } from '@jest/globals';
import { describeIfKubectl } from '../../support/kubectl.js';

/** `describe` when kubectl can render the overlays; otherwise `describe.skip`, with a notice saying so. */
export function describeWithKubectl(): typeof describe | typeof describe.skip {
  return describeIfKubectl(describe, 'the knative/ manifest tests');
}
