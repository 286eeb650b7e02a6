// Configuration rules that keep the delivery rule sound (docs/delivery.md).
import { describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { cegidIdentity, loadConfig } from '../../src/config.ts';
import { DEV_VENDOR_NAME } from '../../src/quadra/token-source.ts';

const base = { NODE_ENV: 'test', CPA_BASE_URL: 'http://127.0.0.1:9/cpa', CFE_BASE_URL: 'http://127.0.0.1:9/cfe' };

describe('configuration of the delivery rule', () => {
  it('refuses an import grace period shorter than the deposit lease: an upload taken over mid-flight could land after "never arrived"', () => {
    expect(() => loadConfig({ ...base, IMPORT_GRACE_MINUTES: '0' })).toThrow(/IMPORT_GRACE_MINUTES/);
    expect(() => loadConfig({ ...base, IMPORT_GRACE_MINUTES: '2', DEPOSIT_LEASE_SECONDS: '180' })).toThrow(/IMPORT_GRACE_MINUTES/);
    expect(loadConfig({ ...base, IMPORT_GRACE_MINUTES: '3', DEPOSIT_LEASE_SECONDS: '180' }).IMPORT_GRACE_MINUTES).toBe(3);
    expect(loadConfig(base).IMPORT_GRACE_MINUTES).toBe(60);
  });
});

describe("configuration of Quadra Sync's identity at Cegid", () => {
  const prod = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), SECRETS_KEYS: 'k:x' };
  const realCegid = { CPA_BASE_URL: 'https://cpa.example.com', CFE_BASE_URL: 'https://cfe.example.com' };
  const guid = '3f2b8c1e-5d4a-4c3b-9a2f-1e0d9c8b7a6f';

  it('requires CEGID_VENDOR_NAME in production against a real Cegid, and a GUID wherever it is set', () => {
    expect(() => loadConfig({ ...prod, ...realCegid })).toThrow(/CEGID_VENDOR_NAME/);
    expect(() => loadConfig({ ...prod, CPA_BASE_URL: 'http://127.0.0.1:9/cpa', CFE_BASE_URL: 'https://cfe.example.com' })).toThrow(
      /CEGID_VENDOR_NAME/,
    );
    expect(() => loadConfig({ ...base, CEGID_VENDOR_NAME: 'quadra-sync' })).toThrow(/CEGID_VENDOR_NAME/);
    const cfg = loadConfig({ ...prod, ...realCegid, CEGID_VENDOR_NAME: guid, CEGID_APPLICATION_NAME: 'quadra-sync-cabinet' });
    expect(cegidIdentity(cfg)).toEqual({ vendorName: guid, applicationName: 'quadra-sync-cabinet', applicationVersion: pkg.version });
  });

  it('takes the development identity under the simulator (loopback endpoints) and outside production', () => {
    const sim = loadConfig({ ...prod, CPA_BASE_URL: 'http://127.0.0.1:4010/cpa', CFE_BASE_URL: 'http://localhost:4010/cfe' });
    expect(cegidIdentity(sim)).toEqual({ vendorName: DEV_VENDOR_NAME, applicationName: 'quadra-sync', applicationVersion: pkg.version });
    expect(cegidIdentity(loadConfig({ ...base, ...realCegid })).vendorName).toBe(DEV_VENDOR_NAME);
  });
});

describe('defaults that differ between a first run and production', () => {
  const prod = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), SECRETS_KEYS: 'k1:AAAA' };

  it('runs the early check every minute in development (an opened dossier turns posted within minutes), every 15 in production', () => {
    expect(loadConfig({}).SWEEP_CRON).toBe('* * * * *');
    expect(loadConfig(prod).SWEEP_CRON).toBe('*/15 * * * *');
    expect(loadConfig({ ...prod, SWEEP_CRON: '*/5 * * * *' }).SWEEP_CRON).toBe('*/5 * * * *');
    expect(loadConfig({}).EARLY_CHECK_DELAY_MINUTES).toBe(1);
    expect(loadConfig(base).EARLY_CHECK_DELAY_MINUTES).toBe(10);
    expect(loadConfig(prod).EARLY_CHECK_DELAY_MINUTES).toBe(10);
  });

  it('speaks English by default outside production and French in production, unless DEFAULT_LANGUAGE says otherwise', () => {
    expect(loadConfig({}).DEFAULT_LANGUAGE).toBe('en');
    expect(loadConfig(base).DEFAULT_LANGUAGE).toBe('en');
    expect(loadConfig(prod).DEFAULT_LANGUAGE).toBe('fr');
    expect(loadConfig({ DEFAULT_LANGUAGE: 'fr' }).DEFAULT_LANGUAGE).toBe('fr');
    expect(() => loadConfig({ DEFAULT_LANGUAGE: 'de' })).toThrow(/DEFAULT_LANGUAGE/);
  });
});
