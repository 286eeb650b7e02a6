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
import { browserLang, type Lang, lang, setLang, tr } from './texts.ts';
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

// The browser's language, unless the user chose one with the switch (kept for next time).
const chosen = localStorage.getItem('qs-lang');
setLang(chosen === 'fr' || chosen === 'en' ? chosen : browserLang(navigator.languages ?? [navigator.language]));

/** The page's fixed words, and the switch between French and English. */
function drawFrame() {
  document.documentElement.lang = lang();
  document.title = tr.title;
  byId('skip').textContent = tr.skip;
  byId('sub').textContent = tr.sub;
  byId('files-title').textContent = tr.clientFiles;
  const other: Lang = lang() === 'fr' ? 'en' : 'fr';
  replace(
    byId('lang'),
    h(
      'div',
      { role: 'group', 'aria-label': tr.language, class: 'lang-switch' },
      ...(['fr', 'en'] as const).map((l) =>
        h(
          'button',
          {
            type: 'button',
            lang: l,
            'aria-pressed': String(l === lang()),
            'data-lang': l,
            onclick: l === other ? () => void switchTo(l) : undefined,
          },
          l === 'fr' ? 'Français' : 'English',
        ),
      ),
    ),
  );
}

async function switchTo(l: Lang) {
  localStorage.setItem('qs-lang', l);
  setLang(l);
  drawFrame();
  notice('');
  if (!state.api) return;
  await attempt(async () => {
    await loadFirm();
    await drawFile();
  });
  byId('lang').querySelector<HTMLElement>(`[data-lang=${l}]`)?.focus();
}

const state: {
  api?: QuadraSyncApi;
  firm?: Firm;
  files: ClientFile[];
  fileId?: string;
  tab: EntryStatus;
  counts: Record<EntryStatus, number>;
  detail?:
    | { kind: 'entry'; id: string; seen: string }
    | { kind: 'preview' }
    | { kind: 'map'; said?: { ok: boolean; message: string } | undefined }
    | { kind: 'accounts' };
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
  // The API's message is written for the user, in the console's language; its code stays for support, as data.
  const text =
    err instanceof QuadraSyncError && err.status === 0
      ? tr.refused(location.origin, apiAt)
      : err instanceof QuadraSyncError
        ? err.message
        : tr.unexpected(String(err));
  box.hidden = false;
  box.textContent = text;
  if (err instanceof QuadraSyncError) box.dataset.code = err.code;
  else delete box.dataset.code;
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
    return createQuadraSync({ baseUrl: api.baseUrl, token: () => token, language: lang });
  }
  const supabase = createClient(api.url, api.anonKey, { auth: { persistSession: true } });
  if (api.accessToken) supabase.functions.setAuth(api.accessToken);
  else if (!(await supabase.auth.getSession()).data.session) await signIn(supabase);
  return createQuadraSync({ supabase, language: lang });
}

/** Against the Node service without a development token in the page: the user pastes one (kept for this tab only). */
function askToken(): Promise<string> {
  return new Promise((done) => {
    const form = h(
      'form',
      { 'aria-labelledby': 'token-title' },
      h('h2', { id: 'token-title' }, tr.tokenTitle),
      h(
        'p',
        {},
        h('label', { for: 'token' }, tr.tokenLabel),
        h('input', { id: 'token', name: 'token', type: 'password', autocomplete: 'off', required: true, size: 40 }),
      ),
      h('button', { type: 'submit', class: 'primary' }, tr.tokenUse),
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
      h('h2', { id: 'signin-title' }, tr.signIn),
      h(
        'p',
        {},
        h('label', { for: 'email' }, tr.email),
        h('input', { id: 'email', name: 'email', type: 'email', autocomplete: 'username', required: true }),
      ),
      h(
        'p',
        {},
        h('label', { for: 'password' }, tr.password),
        h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
      ),
      h('button', { type: 'submit', class: 'primary' }, tr.signIn),
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
    replace(byId('files-body'), h('p', {}, tr.noFirm));
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
          h('label', { for: 'firm-pick' }, `${tr.firm} `),
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
      notice('');
      state.detail = { kind: 'preview' };
      await drawFile();
    }),
  accountMap: () =>
    void attempt(async () => {
      notice('');
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
      notice(tr.refreshed);
    }),
  tab: (status) =>
    void attempt(async () => {
      state.tab = status;
      await drawFile();
      byId(`tab-${status}`).focus();
    }),
  entry: (id) =>
    void attempt(async () => {
      // A notice speaks of what was just done; another screen is another matter.
      notice('');
      state.detail = { kind: 'entry', id, seen: '' };
      await drawFile();
      byId('entry-title').focus();
    }),
};

async function openFile(id: string) {
  notice('');
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
    notice(answer.finished ? tr.synchronized : tr.queued);
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
  if (d.kind === 'preview') return previewView(await api.preview(state.fileId!), closeDetail, lang());
  if (d.kind === 'accounts') return accountsToCreateView(await api.accountsToCreate(state.fileId!), closeDetail);
  if (d.kind === 'map') {
    // What the last change did is said beside the form, not at the top of the page.
    const said = d.said;
    d.said = undefined;
    const redraw = async (next: { ok: boolean; message: string }) => {
      if (state.detail?.kind === 'map') state.detail.said = next;
      await drawFile();
      byId('map-said').focus?.();
    };
    return accountMapView(
      await api.accountMap(state.fileId!),
      {
        close: closeDetail,
        map: async (hub, quadra) => {
          try {
            const m = await api.mapAccount(state.fileId!, hub, quadra);
            const message =
              m.quadraLabel === null
                ? `${tr.mappedDone(m.hubAccount, m.quadraAccount)} ${tr.unknownWarning(m.quadraAccount)}`
                : tr.mappedDone(m.hubAccount, m.quadraAccount);
            problem(undefined);
            await redraw({ ok: m.quadraLabel !== null, message });
          } catch (err) {
            // A refusal (a collision, a role) is said beside the form, in the API's words.
            if (!(err instanceof QuadraSyncError) || err.status === 0) problem(err);
            else await redraw({ ok: false, message: err.message });
          }
          return undefined;
        },
        unmap: (hub) =>
          void attempt(async () => {
            await api.unmapAccount(state.fileId!, hub);
            await redraw({ ok: true, message: tr.unmappedDone(hub) });
          }),
      },
      said,
    );
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
            notice(
              tr.revalidated(again.externalId, (tr.status[again.status] ?? again.status).toLocaleLowerCase(lang()), again.quadraReference),
            );
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
  if (!done) replace(byId('files-body'), h('p', {}, tr.nothing));
}

drawFrame();
void start().then(() => {
  document.body.dataset.ready = 'true';
  setInterval(() => {
    void poll().catch((err) => problem(err));
  }, POLL_MS);
});
