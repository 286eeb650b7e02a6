import { describe, expect, it } from 'vitest';
import { failingTooLong, judgeAnswer, nextRetryDelayMs, RETRY_SCHEDULE_SECONDS, retryAfterSeconds } from '../../src/domain/events.ts';

describe('the delivery rules', () => {
  it('follows the Standard Webhooks schedule, with at most ±10 % jitter, and gives up after the last', () => {
    expect(RETRY_SCHEDULE_SECONDS).toEqual([0, 5, 300, 1800, 7200, 18_000, 36_000, 50_400, 72_000, 86_400]);
    for (let attempts = 1; attempts < RETRY_SCHEDULE_SECONDS.length; attempts++) {
      const base = RETRY_SCHEDULE_SECONDS[attempts]! * 1000;
      const spread = Math.max(1000, base * 0.1);
      expect(nextRetryDelayMs(attempts, 0)).toBe(Math.round(base - spread));
      expect(Math.abs(nextRetryDelayMs(attempts, 0.999_999)! - (base + spread))).toBeLessThan(100);
    }
    expect(nextRetryDelayMs(RETRY_SCHEDULE_SECONDS.length, 0.5)).toBeUndefined();
  });

  it('waits for Retry-After when it is later than the schedule (capped at a day)', () => {
    expect(nextRetryDelayMs(1, 0.5, 120)).toBe(120_000);
    expect(nextRetryDelayMs(3, 0.5, 10)).toBe(1_800_000);
    expect(nextRetryDelayMs(1, 0.5, 10 ** 9)).toBe(86_400_000);
  });

  it('reads Retry-After as seconds or an HTTP date, only on 429 and 503', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    expect(retryAfterSeconds(429, '30', now)).toBe(30);
    expect(retryAfterSeconds(503, 'Wed, 02 Dec 2026 10:02:00 GMT', now)).toBe(120);
    expect(retryAfterSeconds(500, '30', now)).toBeUndefined();
    expect(retryAfterSeconds(429, 'soon', now)).toBeUndefined();
    expect(retryAfterSeconds(429, undefined, now)).toBeUndefined();
  });

  it('judges answers: 2xx delivered, 410 disables, anything else (or none) is retried', () => {
    expect([200, 204, 299].map(judgeAnswer)).toEqual(['delivered', 'delivered', 'delivered']);
    expect(judgeAnswer(410)).toBe('disable');
    expect([undefined, 301, 400, 404, 429, 500, 503].map(judgeAnswer)).toEqual(Array(7).fill('retry'));
  });

  it('an endpoint failing for the configured days is to be disabled', () => {
    const since = new Date('2026-12-01T00:00:00Z');
    expect(failingTooLong(since, new Date('2026-12-05T23:59:59Z'), 5)).toBe(false);
    expect(failingTooLong(since, new Date('2026-12-06T00:00:00Z'), 5)).toBe(true);
    expect(failingTooLong(null, new Date('2030-01-01T00:00:00Z'), 5)).toBe(false);
  });
});
