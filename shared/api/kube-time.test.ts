import { describe, expect, it } from '@jest/globals';
import { kubeTime } from './kube-time.js';

describe('kubeTime', () => {
  it('when a time has milliseconds, then it is written RFC 3339 in UTC with whole seconds, as the API server writes it', () => {
    expect(kubeTime(new Date('2025-01-02T03:04:05.678Z'))).toBe('2025-01-02T03:04:05Z');
  });

  it('when a time is given in another offset, then it is written in UTC', () => {
    expect(kubeTime(new Date('2025-01-02T05:04:05+02:00'))).toBe('2025-01-02T03:04:05Z');
  });
});
