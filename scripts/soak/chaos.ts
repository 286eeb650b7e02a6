// The crashes of a soak run: SIGKILLs of the service (at random moments, and in the middle of an
// upload, before and after its blob lands) and one database outage, each at a random moment of
// its window; the service is started again after each kill. Bounded: each step has a deadline.
import type { SoakCluster } from './cluster.ts';
import type { ManagedProcess } from './processes.ts';

type Armed = 'killAfterLanding' | 'killBeforeLanding';

export interface Chaos {
  run(stop: () => boolean): Promise<void>;
  /** The blob proxy asks, for each upload, whether this one is to be interrupted by a kill. */
  takeArmed(): Armed | undefined;
  killNow(why: string): Promise<void>;
  done(): boolean;
  events: Array<{ atMs: number; what: string }>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function chaos(o: {
  service: ManagedProcess;
  cluster: SoakCluster;
  random: () => number;
  t0: number;
  pushMs: number;
  log: (m: string) => void;
}): Chaos {
  const events: Chaos['events'] = [];
  let armed: Armed | undefined;
  let finished = false;
  const at = (frac: number, spread: number) => o.t0 + o.pushMs * (frac + o.random() * spread);
  const note = (what: string) => {
    events.push({ atMs: Date.now() - o.t0, what });
    o.log(what);
  };

  async function restart(): Promise<void> {
    await sleep(500 + o.random() * 2500);
    for (let i = 1; i <= 3; i++) {
      try {
        await o.service.start();
        note(`service started again (start #${o.service.starts})`);
        return;
      } catch (e) {
        note(`service restart ${i} failed: ${(e as Error).message}`);
        await o.service.kill();
      }
    }
  }

  async function killNow(why: string): Promise<void> {
    const pid = o.service.pid();
    await o.service.kill();
    note(`SIGKILL service pid ${pid} ${why}`);
  }

  async function until(t: number, stop: () => boolean) {
    while (Date.now() < t && !stop()) await sleep(Math.min(1000, Math.max(0, t - Date.now())));
  }

  let taken = false;
  let onArmedKilled: (() => void) | undefined;
  async function armedKill(kind: Armed, stop: () => boolean) {
    let hit = false;
    const killed = new Promise<void>((r) => {
      onArmedKilled = r;
    });
    void killed.then(() => {
      hit = true;
    });
    taken = false;
    armed = kind;
    // The next upload fires it; once taken, the kill is under way (the blob may be landing first).
    const deadline = Date.now() + 120_000;
    while (!hit && (taken ? Date.now() < deadline + 60_000 : Date.now() < deadline && !stop())) await sleep(250);
    armed = undefined;
    if (!hit) {
      if (stop()) return;
      await killNow(`(no upload came within 120 s to interrupt ${kind === 'killAfterLanding' ? 'after' : 'before'} its blob landed)`);
    }
    await restart();
  }

  const chaosApi: Chaos = {
    events,
    done: () => finished,
    takeArmed() {
      const a = armed;
      armed = undefined;
      if (a) taken = true;
      return a;
    },
    async killNow(why) {
      await killNow(why);
      onArmedKilled?.();
      onArmedKilled = undefined;
    },
    async run(stop) {
      try {
        await until(at(0.08, 0.15), stop);
        if (stop()) return;
        await killNow('at a random moment');
        await restart();
        await until(at(0.25, 0.1), stop);
        if (stop()) return;
        await armedKill('killAfterLanding', stop);
        await until(at(0.5, 0.15), stop);
        if (stop()) return;
        note('database stopped (fast shutdown), down 5 s');
        await o.cluster.restart(5000);
        note('database started again');
        await until(at(0.7, 0.1), stop);
        if (stop()) return;
        await armedKill('killBeforeLanding', stop);
        await until(at(0.95, 0.15), stop);
        if (stop()) return;
        await killNow('at a random moment');
        await restart();
      } finally {
        finished = true;
      }
    },
  };
  return chaosApi;
}
