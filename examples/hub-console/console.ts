// The hub console: a reference client for a firm's developers, and what a new user opens after
// `npm start`. It calls the API cross-origin, exactly as a hub does, through the client package a
// hub installs (@quadra-sync/client, clients/quadra-sync): over fetch with a bearer token against
// the Node service, or through supabase-js against a Supabase project.
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import {
  QuadraSyncError,
  createQuadraSync,
  type ClientFile,
  type EntryDetail,
  type EntryStatus,
  type Firm,
  type QuadraSync as QuadraSyncApi,
} from '@quadra-sync/client';
import { byId, h, replace } from './dom.ts';
import type { ConsoleApi } from './server.ts';
import {
  accountMapView,
  accountsToCreateView,
  entryTable,
  entryView,
  fileHeader,
  fileList,
  firmHeader,
  previewView,
  tabList,
  type FileActions,
} from './views.ts';

const POLL_MS = 2_000;

const config = JSON.parse(byId('console-config').textContent ?? '{}') as { api: ConsoleApi };

const state: {
  api?: QuadraSyncApi;
  firm?: Firm;
  files: ClientFile[];
  fileId?: string;
  tab: EntryStatus;
  counts: Record<EntryStatus, number>;
  detail?: { kind: 'entry'; id: string; seen: string } | { kind: 'preview' } | { kind: 'map' } | { kind: 'accounts' };
  busy: boolean;
} = { files: [], tab: 'pending', counts: { pending: 0, sent: 0, posted: 0, failed_check: 0 }, busy: false };

function problem(err: unknown) {
  const box = byId('problem');
  if (err === undefined) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  const apiAt = config.api.kind === 'http' ? config.api.baseUrl : config.api.url;
  const text =
    err instanceof QuadraSyncError && err.status === 0
      ? `Refused: this page (${location.origin}) got no answer it may read from the API at ${apiAt}. Either the API is not running, or it does not allow this origin: add ${location.origin} to CORS_ORIGINS.`
      : err instanceof QuadraSyncError
        ? `${err.message} (${err.status} ${err.code})`
        : `Unexpected: ${String(err)}`;
  box.hidden = false;
  box.textContent = text;
}
const notice = (text: string) => {
  byId('notice').textContent = text;
};

/** Runs an action; its failure is shown, never thrown at the user. */
async function attempt<T>(fn: () => Promise<T>): Promise<T | undefined> {
  try {
    const out = await fn();
    problem(undefined);
    return out;
  } catch (err) {
    problem(err);
    return undefined;
  }
}

async function connect(): Promise<QuadraSyncApi> {
  const api = config.api;
  if (api.kind === 'http') {
    const token = api.token ?? sessionStorage.getItem('qs-token') ?? (await askToken());
    return createQuadraSync({ baseUrl: api.baseUrl, token: () => token });
  }
  const supabase = createClient(api.url, api.anonKey, { auth: { persistSession: true } });
  if (api.accessToken) supabase.functions.setAuth(api.accessToken);
  else if (!(await supabase.auth.getSession()).data.session) await signIn(supabase);
  return createQuadraSync({ supabase });
}

/** Against the Node service without a development token in the page: the user pastes one (kept for this tab only). */
function askToken(): Promise<string> {
  return new Promise((done) => {
    const form = h(
      'form',
      { 'aria-labelledby': 'token-title' },
      h('h2', { id: 'token-title' }, 'Access token'),
      h(
        'p',
        {},
        h('label', { for: 'token' }, 'A Supabase access token of the user (npm run -s token gives a development one)'),
        h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, size: 40 }),
      ),
      h('button', { type: 'submit', class: 'primary' }, 'Use this token'),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const token = String(new FormData(form).get('token') ?? '').trim();
      sessionStorage.setItem('qs-token', token);
      done(token);
    });
    replace(byId('files-body'), form);
  });
}

/** Against a Supabase project without a session: the user signs in with the project's auth. */
function signIn(supabase: SupabaseClient): Promise<void> {
  return new Promise((done) => {
    const form = h(
      'form',
      { 'aria-labelledby': 'signin-title' },
      h('h2', { id: 'signin-title' }, 'Sign in'),
      h(
        'p',
        {},
        h('label', { for: 'email' }, 'Email'),
        h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true }),
      ),
      h(
        'p',
        {},
        h('label', { for: 'password' }, 'Password'),
        h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
      ),
      h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
    );
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const d = new FormData(form);
      const { error } = await supabase.auth.signInWithPassword({ email: String(d.get('email')), password: String(d.get('password')) });
      if (error) problem(new QuadraSyncError(401, 'unauthorized', error.message));
      else {
        problem(undefined);
        done();
      }
    });
    replace(byId('files-body'), form);
  });
}

async function loadFirm() {
  const api = state.api!;
  const { firms } = await api.listFirms();
  if (!firms.length) {
    replace(byId('files-body'), h('p', {}, 'You belong to no firm yet: create one with POST /v1/firms and connect it.'));
    return;
  }
  const chosen = firms.find((f) => f.id === localStorage.getItem('qs-firm')) ?? firms[0]!;
  state.firm = chosen;
  const connection = await api
    .connection(chosen.id)
    .catch((e: unknown) => (e instanceof QuadraSyncError && e.status === 404 ? undefined : Promise.reject(e)));
  const picker =
    firms.length > 1
      ? h(
          'p',
          {},
          h('label', { for: 'firm-pick' }, 'Firm '),
          h(
            'select',
            {
              id: 'firm-pick',
              onchange: (ev) => {
                localStorage.setItem('qs-firm', (ev.target as HTMLSelectElement).value);
                void start();
              },
            },
            ...firms.map((f) => h('option', { value: f.id, selected: f.id === chosen.id }, f.name)),
          ),
        )
      : null;
  replace(byId('firm'), firmHeader(chosen, connection), picker);
  await loadFiles();
}

async function loadFiles() {
  state.files = (await state.api!.listFiles(state.firm!.id)).files;
  replace(
    byId('files-body'),
    fileList(state.files, state.fileId, (id) => void attempt(() => openFile(id))),
  );
}

const actions: FileActions = {
  synchronize: () => void attempt(synchronize),
  preview: () =>
    void attempt(async () => {
      state.detail = { kind: 'preview' };
      await drawFile();
    }),
  accountMap: () =>
    void attempt(async () => {
      state.detail = { kind: 'map' };
      await drawFile();
    }),
  accountsToCreate: () =>
    void attempt(async () => {
      state.detail = { kind: 'accounts' };
      await drawFile();
    }),
  refresh: () =>
    void attempt(async () => {
      await loadFiles();
      await drawFile();
      notice('Refreshed.');
    }),
  tab: (status) =>
    void attempt(async () => {
      state.tab = status;
      await drawFile();
      byId(`tab-${status}`).focus();
    }),
  entry: (id) =>
    void attempt(async () => {
      state.detail = { kind: 'entry', id, seen: '' };
      await drawFile();
      byId('entry-title').focus();
    }),
};

async function openFile(id: string) {
  state.fileId = id;
  state.detail = undefined;
  state.tab = 'pending';
  replace(
    byId('files-body'),
    fileList(state.files, state.fileId, (f) => void attempt(() => openFile(f))),
  );
  await drawFile();
  byId('file-title').focus();
}

async function synchronize() {
  state.busy = true;
  await drawFile();
  try {
    // The Node service deposits in seconds: wait for it. The function deposits at its next tick.
    const answer = await state.api!.synchronize(state.fileId!, { wait: config.api.kind === 'http' });
    notice(
      answer.finished ? 'Synchronized: the deposit is made.' : 'Synchronization queued: the entries move to Sent once it is deposited.',
    );
  } finally {
    state.busy = false;
    await drawFile();
  }
}

const closeDetail = () =>
  void attempt(async () => {
    state.detail = undefined;
    await drawFile();
  });

async function detailView(): Promise<Element | null> {
  const api = state.api!;
  const d = state.detail;
  if (!d) return null;
  if (d.kind === 'preview') return previewView(await api.preview(state.fileId!), closeDetail);
  if (d.kind === 'accounts') return accountsToCreateView(await api.accountsToCreate(state.fileId!), closeDetail);
  if (d.kind === 'map') {
    const redraw = async () => {
      await drawFile();
    };
    return accountMapView(await api.accountMap(state.fileId!), {
      close: closeDetail,
      map: (hub, quadra) =>
        void attempt(async () => {
          const m = await api.mapAccount(state.fileId!, hub, quadra);
          notice(`${m.hubAccount} is sent as ${m.quadraAccount}.`);
          await redraw();
        }),
      unmap: (hub) =>
        void attempt(async () => {
          await api.unmapAccount(state.fileId!, hub);
          notice(`${hub} is sent as the hub numbers it.`);
          await redraw();
        }),
    });
  }
  const entry = await api.entry(d.id);
  d.seen = fingerprint(entry);
  return entryView(
    entry,
    closeDetail,
    entry.status === 'failed_check'
      ? (fix) =>
          void attempt(async () => {
            await api.correctEntry(entry.id, fix);
            const again = await api.revalidate(entry.id);
            notice(`Entry ${again.externalId} is ${again.status} again, reference ${again.quadraReference}.`);
            state.tab = again.status;
            await drawFile();
          })
      : undefined,
  );
}

const fingerprint = (e: EntryDetail) => `${e.status}|${e.attempts.length}|${e.updatedAt}`;

async function drawFile() {
  const file = state.files.find((f) => f.id === state.fileId);
  const panel = byId('file');
  if (!file) {
    panel.hidden = true;
    return;
  }
  const api = state.api!;
  const [counts, list, detail] = await Promise.all([api.counts(file.id), api.tab(file.id, state.tab), detailView()]);
  state.counts = counts.counts;
  panel.hidden = false;
  replace(
    panel,
    fileHeader(file, actions, state.busy),
    tabList(state.counts, state.tab, actions),
    entryTable(list, state.tab, actions),
    detail,
  );
}

/** Keeps the open file current (a send, a check, a night change its entries) without losing the user's place. */
async function poll() {
  if (document.hidden || !state.fileId || state.busy) return;
  const api = state.api!;
  const [counts, entry] = await Promise.all([
    api.counts(state.fileId),
    state.detail?.kind === 'entry' ? api.entry(state.detail.id) : undefined,
  ]);
  const changed =
    TABS_CHANGED(counts.counts) ||
    (entry && state.detail?.kind === 'entry' && fingerprint(entry) !== state.detail.seen && entry.status !== 'failed_check');
  if (changed) {
    const focused = document.activeElement?.id;
    await drawFile();
    if (focused) document.getElementById(focused)?.focus();
  }
}
const TABS_CHANGED = (c: Record<EntryStatus, number>) => (Object.keys(c) as EntryStatus[]).some((k) => c[k] !== state.counts[k]);

async function start() {
  const done = await attempt(async () => {
    state.api ??= await connect();
    await loadFirm();
    return true;
  });
  if (!done) replace(byId('files-body'), h('p', {}, 'Nothing to show: see the message above.'));
}

void start().then(() => {
  document.body.dataset.ready = 'true';
  setInterval(() => {
    void poll().catch((err) => problem(err));
  }, POLL_MS);
});
