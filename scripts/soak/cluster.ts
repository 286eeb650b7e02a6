// The soak's own throwaway Postgres 15 cluster (Debian's pg_createcluster), on its own port, trust
// authentication on loopback. Created at the start of a run and dropped at its end.
import { execFileSync } from 'node:child_process';

export interface SoakCluster {
  url: string;
  /** A real outage: the server stops, stays down `downMs`, starts again. */
  restart(downMs: number): Promise<void>;
  drop(): void;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 }).toString();

function exists(name: string, version: string): boolean {
  return run('pg_lsclusters', ['--no-header'])
    .split('\n')
    .some((l) => {
      const [v, c] = l.trim().split(/\s+/);
      return v === version && c === name;
    });
}

export async function createCluster(opts: { name: string; port: number; version?: string }): Promise<SoakCluster> {
  const version = opts.version ?? '15';
  // A cluster of this name left by an interrupted run is ours: start clean.
  if (exists(opts.name, version)) run('pg_dropcluster', ['--stop', version, opts.name]);
  run('pg_createcluster', [version, opts.name, '--port', String(opts.port), '--', '--auth=trust']);
  run('pg_ctlcluster', [version, opts.name, 'start']);
  const admin = `postgres://postgres@127.0.0.1:${opts.port}/postgres`;
  const pg = (await import('pg')).default;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  try {
    await c.query('create database quadra_soak');
  } finally {
    await c.end();
  }
  return {
    url: `postgres://postgres@127.0.0.1:${opts.port}/quadra_soak`,
    async restart(downMs) {
      run('pg_ctlcluster', ['--mode', 'fast', version, opts.name, 'stop']);
      await new Promise((r) => setTimeout(r, downMs));
      run('pg_ctlcluster', [version, opts.name, 'start']);
    },
    drop() {
      if (exists(opts.name, version)) run('pg_dropcluster', ['--stop', version, opts.name]);
    },
  };
}
