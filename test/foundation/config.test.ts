// Configuration rules that keep the delivery rule sound (docs/delivery.md).
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';

const base = { NODE_ENV: 'test', CPA_BASE_URL: 'http://127.0.0.1:9/cpa', CFE_BASE_URL: 'http://127.0.0.1:9/cfe' };

describe('configuration of the delivery rule', () => {
  it('refuses an import grace period shorter than the deposit lease: an upload taken over mid-flight could land after "never arrived"', () => {
    expect(() => loadConfig({ ...base, IMPORT_GRACE_MINUTES: '0' })).toThrow(/IMPORT_GRACE_MINUTES/);
    expect(() => loadConfig({ ...base, IMPORT_GRACE_MINUTES: '2', DEPOSIT_LEASE_SECONDS: '180' })).toThrow(/IMPORT_GRACE_MINUTES/);
    expect(loadConfig({ ...base, IMPORT_GRACE_MINUTES: '3', DEPOSIT_LEASE_SECONDS: '180' }).IMPORT_GRACE_MINUTES).toBe(3);
    expect(loadConfig(base).IMPORT_GRACE_MINUTES).toBe(60);
  });
});
