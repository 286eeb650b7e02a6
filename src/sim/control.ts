/**
 * SimControl: how tests and demos drive the simulated Quadra (in-process; the same operations
 * are exposed over HTTP under /_control by app.ts).
 */
import type { Account, Journal, Period, QuadraEntryLine } from '../quadra/types.ts';
import type { BlobProxy, RemovalAction, UploadAction } from './blob-proxy.ts';
import type { SimAccountSpec, SimDossierSpec, SimFirmSpec } from './fixture.ts';
import {
  publicLine,
  type ImportReport,
  type RejectedLine,
  type RequestLogEntry,
  type SimFaults,
  type SimService,
  type SimState,
} from './state.ts';

export interface SimBlob {
  name: string;
  size: number;
  lastModified: string;
  metadata: Record<string, string>;
}

export interface SimSettings {
  tokenTtlSec?: number;
  /** Largest page of every list but entries: a larger `maxPage` is capped to it. */
  pageSize?: number;
  /** Largest page of entries. */
  entriesPageSize?: number;
  importDelayMs?: number;
  /** Business minutes an import takes before its lines show through CPA. */
  importDelayMinutes?: number;
}

export const UPLOAD_ACTIONS = [
  'refuse503',
  'refuse429',
  'fail500AfterLanding',
  'fail503AfterLanding',
  'dropAnswer',
  'dropAnswerAndOpen',
  'hold',
  'holdAnswer',
] as const satisfies readonly UploadAction[];
export const REMOVAL_ACTIONS = ['openFirst'] as const satisfies readonly RemovalAction[];

export interface SimFirmSummary {
  sic: string;
  name: string;
  portalAccess: boolean;
  hasContainer: boolean;
  dossiers: string[];
}

export interface SimControl {
  /** Back to the fixture: firms, dossiers, no faults, empty containers, tokens forgotten. Keeps setNow. */
  reset(): Promise<void>;
  /** Merges into the current faults; expireTokens acts once, immediately. */
  setFaults(f: SimFaults): void;
  clearFaults(): void;
  /** Business clock (importedAt, fixture years on reset). A Date/string freezes it; a function drives it; null = real time. */
  setNow(now: Date | string | (() => Date) | null): void;
  now(): Date;
  configure(s: SimSettings): void;
  addFirm(spec: SimFirmSpec): Promise<void>;
  addDossier(sic: string, spec: SimDossierSpec): void;
  /** `period` is the period code or its start date. */
  setPeriodStatus(sic: string, code: string, period: string, status: 'open' | 'closed'): void;
  setJournalOpen(sic: string, code: string, journal: string, open: boolean): void;
  addAccount(sic: string, code: string, account: SimAccountSpec): void;
  /** The user opens the dossier in Quadra: pending deposits `{code}/*.zip` are imported. */
  openDossier(sic: string, code: string): Promise<ImportReport>;
  /** Blobs waiting in the firm's container (empty list when the firm has none). */
  listBlobs(sic: string, prefix?: string): Promise<SimBlob[]>;
  rejected(sic: string, code: string): RejectedLine[];
  /** Every line in the dossier, including ones not yet visible through CPA (importDelayMs). */
  entries(sic: string, code: string): QuadraEntryLine[];
  accounts(sic: string, code: string): Account[];
  journals(sic: string, code: string): Journal[];
  periods(sic: string, code: string): Period[];
  /** Documents received with deposits, by file name -> size. */
  documents(sic: string, code: string): Record<string, number>;
  imports(sic: string, code: string): ImportReport[];
  /** CPA/CFE requests seen (method, path+query, status, duration): no headers or bodies. */
  requests(filter?: { service?: SimService; pathContains?: string }): RequestLogEntry[];
  /** Imports per reference (position 149) in a dossier: exactly once is 1. */
  importCounts(sic: string, code: string): Record<string, number>;
  /** What happens to the next uploads (Put Blob), in order (see blob-proxy.ts). */
  queueUploads(...actions: UploadAction[]): void;
  /** What happens to the next removals (Delete Blob), in order (see blob-proxy.ts). */
  queueRemovals(...actions: RemovalAction[]): void;
  /** Held uploads or answers go on (or lose their answer with `drop`). */
  releaseUploads(opts?: { drop?: boolean }): Promise<void>;
  heldUploads(): number;
  clearRequests(): void;
  firms(): SimFirmSummary[];
}

export function createSimControl(state: SimState, blobs?: BlobProxy): SimControl {
  const proxy = () => {
    if (!blobs) throw new Error('this simulator has no blob proxy');
    return blobs;
  };
  return {
    importCounts: (sic, code) => Object.fromEntries(state.dossier(sic, code).importCounts),
    queueUploads: (...a) => proxy().queue(...a),
    queueRemovals: (...a) => proxy().queueRemovals(...a),
    releaseUploads: (o) => proxy().release(o),
    heldUploads: () => proxy().held(),
    reset: () => state.reset(),
    setFaults: (f) => state.setFaults(f),
    clearFaults: () => {
      state.faults = {};
    },
    setNow: (now) => state.setNow(now),
    now: () => state.now(),
    configure(s) {
      if (s.tokenTtlSec !== undefined) state.tokenTtlSec = s.tokenTtlSec;
      if (s.pageSize !== undefined) state.pageSize.default = s.pageSize;
      if (s.entriesPageSize !== undefined) state.pageSize.entries = s.entriesPageSize;
      if (s.importDelayMs !== undefined) state.importDelayMs = s.importDelayMs;
      if (s.importDelayMinutes !== undefined) state.importDelayMinutes = s.importDelayMinutes;
    },
    addFirm: (spec) => state.addFirm(spec),
    addDossier: (sic, spec) => state.addDossier(sic, spec),
    setPeriodStatus: (sic, code, period, status) => state.setPeriodStatus(sic, code, period, status),
    setJournalOpen: (sic, code, journal, open) => state.setJournalOpen(sic, code, journal, open),
    addAccount: (sic, code, a) => state.addAccount(sic, code, a),
    openDossier: (sic, code) => state.openDossier(sic, code),
    listBlobs: (sic, prefix) => state.listBlobs(sic, prefix),
    rejected: (sic, code) => [...state.dossier(sic, code).rejected],
    entries: (sic, code) => state.dossier(sic, code).lines.map(publicLine),
    accounts: (sic, code) => [...state.dossier(sic, code).accounts.values()].map((a) => ({ ...a })),
    journals: (sic, code) => [...state.dossier(sic, code).journals.values()].map((j) => ({ ...j })),
    periods: (sic, code) => state.dossier(sic, code).periods.map((p) => ({ ...p })),
    documents: (sic, code) => Object.fromEntries(state.dossier(sic, code).documents),
    imports: (sic, code) => [...state.dossier(sic, code).imports],
    requests: (filter) =>
      state.requests.filter(
        (r) => (!filter?.service || r.service === filter.service) && (!filter?.pathContains || r.path.includes(filter.pathContains)),
      ),
    clearRequests: () => {
      state.requests = [];
    },
    firms: () =>
      [...state.firms.values()].map((f) => ({
        sic: f.sic,
        name: f.name,
        portalAccess: f.portalAccess,
        hasContainer: f.container !== null,
        dossiers: [...f.dossiers.keys()],
      })),
  };
}
