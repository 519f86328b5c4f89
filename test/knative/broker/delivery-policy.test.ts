import { describe, expect, it } from '@jest/globals';
import { backoffMs, effectiveDelivery, isRetryableStatus, maxAttempts, DEFAULT_DELIVERY } from '../../../local/broker/delivery-policy.js';
import { InvalidDurationError, parseIsoDuration } from '../../../local/broker/iso-duration.js';

describe('ISO-8601 durations of the delivery spec', () => {
  it.each([
    ['PT0.2S', 200],
    ['PT0.5S', 500],
    ['PT45S', 45_000],
    ['PT1M30S', 90_000],
    ['PT2H', 7_200_000],
    ['P1D', 86_400_000],
    ['P1W', 604_800_000],
    ['P1DT1S', 86_401_000],
  ])('when the duration is %s, then it lasts %d ms', (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each(['', 'P', 'PT', '5s', 'P1Y', 'P1M', 'PT-1S', 'PT1S ', 'T1S'])('when the text is %j, then it is refused', (text) => {
    expect(() => parseIsoDuration(text)).toThrow(InvalidDurationError);
  });
});

describe('which answers Knative retries', () => {
  it.each([500, 502, 503, 504, 404, 408, 409, 429])('when a subscriber answers %d, then the delivery is retried', (status) => {
    expect(isRetryableStatus(status)).toBe(true);
  });

  it.each([400, 401, 403, 405, 410, 413, 422, 300, 301, 302, 307])('when a subscriber answers %d, then it goes straight to the dead-letter sink', (status) => {
    expect(isRetryableStatus(status)).toBe(false);
  });
});

describe('backoff between attempts', () => {
  it('when the policy is exponential, then the waits double from backoffDelay', () => {
    const spec = { retry: 4, backoffPolicy: 'exponential' as const, backoffDelay: 'PT0.5S' };
    expect([1, 2, 3, 4].map((n) => backoffMs(spec, n))).toEqual([500, 1000, 2000, 4000]);
  });

  it('when the policy is linear, then the waits grow by backoffDelay starting from zero, as Knative counts them', () => {
    const spec = { retry: 3, backoffPolicy: 'linear' as const, backoffDelay: 'PT1S' };
    expect([1, 2, 3].map((n) => backoffMs(spec, n))).toEqual([0, 1000, 2000]);
  });

  it('when no policy or no delay is set, then retries follow at once', () => {
    expect(backoffMs({ retry: 2, backoffDelay: 'PT1S' }, 1)).toBe(0);
    expect(backoffMs({ retry: 2, backoffPolicy: 'exponential' }, 1)).toBe(0);
  });

  it('when retry is n, then there are n + 1 attempts', () => {
    expect(maxAttempts({ retry: 8 })).toBe(9);
    expect(maxAttempts({})).toBe(1);
  });
});

describe('whose delivery spec applies', () => {
  const broker = { retry: 8 };
  const trigger = { retry: 1 };

  it('when the Trigger has a delivery spec, then it wins over the Broker', () => {
    expect(effectiveDelivery(trigger, broker)).toBe(trigger);
  });

  it('when only the Broker has one, then the Broker spec applies', () => {
    expect(effectiveDelivery(undefined, broker)).toBe(broker);
  });

  it('when neither has one, then the cluster default (10 retries, exponential from 0.2 s) applies', () => {
    expect(effectiveDelivery(undefined, undefined)).toEqual(DEFAULT_DELIVERY);
    expect(DEFAULT_DELIVERY).toEqual({ retry: 10, backoffPolicy: 'exponential', backoffDelay: 'PT0.2S' });
  });
});
