// The real server wiring: config → database (migrated) → pg-boss → HTTP on a real port, and a
// graceful stop (HTTP first, then workers, then the database).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startService } from '../../src/server.ts';
import { engine } from '../support/db.ts';

describe(`the server (${engine})`, () => {
  it('starts on a real port with its jobs, answers, and stops gracefully', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'qs-server-test-'));
    let dropDatabase: (() => Promise<void>) | undefined;
    try {
      const config = loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        LOG_LEVEL: 'silent',
        DATA_DIR: dataDir,
        CPA_BASE_URL: 'http://127.0.0.1:9/cpa',
        CFE_BASE_URL: 'http://127.0.0.1:9/cfe',
        // On Postgres the service migrates the database it is given: the test's own fresh one.
        ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
      });
      if (config.DATABASE_URL) {
        const { createFreshPostgres } = await import('../../src/db/fresh.ts');
        const fresh = await createFreshPostgres(config.DATABASE_URL, `qs_server_${process.pid}`);
        config.DATABASE_URL = fresh.url;
        dropDatabase = fresh.drop;
      }
      const running = await startService(config, { schedules: true });
      const health = await fetch(`${running.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: 'ok' });
      const unauth = await fetch(`${running.url}/v1/firms`);
      expect(unauth.status).toBe(401);
      const schedules = await running.boss.getSchedules();
      expect(schedules.map((x: { name: string }) => x.name).sort()).toEqual([
        'auto-send',
        'deliver-events',
        'nightly-verification',
        'reference-nightly',
        'sweep',
      ]);
      await running.stop();
      await expect(fetch(`${running.url}/health`)).rejects.toThrow();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      await dropDatabase?.();
    }
  });
});
