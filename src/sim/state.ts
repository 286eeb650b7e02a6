/**
 * The simulator's in-memory Quadra: firms, dossiers, tokens, faults, and the import that runs
 * when a dossier is "opened". HTTP lives in app.ts; this file has no knowledge of Hono.
 */
import { randomBytes } from 'node:crypto';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
  type ContainerClient,
} from '@azure/storage-blob';
import type { Account, AccountKind, QuadraEntryLine } from '../quadra/types.ts';
import type { SimAccountSpec, SimDossierSpec, SimFirmSpec } from './fixture.ts';

// The simulator's data shapes live in state-types.ts; the import of a deposit in import.ts.
import type {
  SimService,
  SimFaults,
  RejectedLine,
  DepositReport,
  ImportReport,
  StoredLine,
  SimDossier,
  SimFirm,
  RequestLogEntry,
  SimStateOptions,
  TokenRecord,
} from './state-types.ts';
import { importDeposit } from './import.ts';
// Importers of the state keep importing its shapes from here.
export type * from './state-types.ts';

export class SimState {
  firms = new Map<string, SimFirm>();
  faults: Omit<SimFaults, 'expireTokens'> = {};
  importDelayMs: number;
  /** Business time an import takes before its lines show (0: at once). */
  importDelayMinutes = 0;
  /** Where the SAS URLs point (the blob proxy); Azurite itself when unset. */
  blobEndpoint: string | null = null;
  /** Called by reset(): the blob proxy's queued faults and held requests go too. */
  onReset: (() => Promise<void>) | null = null;
  tokenTtlSec: number;
  pageSize = { default: 500, entries: 200 };
  requests: RequestLogEntry[] = [];
  private tokens = new Map<string, TokenRecord>();
  private clock: (() => Date) | null = null;
  private lineSeq = 0;
  private readonly blobs: BlobServiceClient;
  private readonly credential: StorageSharedKeyCredential;

  constructor(private readonly opts: SimStateOptions) {
    this.importDelayMs = opts.importDelayMs;
    this.tokenTtlSec = opts.tokenTtlSec;
    this.credential = new StorageSharedKeyCredential(opts.azurite.accountName, opts.azurite.accountKey);
    this.blobs = new BlobServiceClient(opts.azurite.blobEndpoint, this.credential, {
      retryOptions: { maxTries: 2, retryDelayInMs: 50, maxRetryDelayInMs: 200 },
    });
  }

  // --- clock -----------------------------------------------------------------------------------

  /** Business time: importedAt, fixture years. Tokens, SAS and import delay use the real clock. */
  now(): Date {
    return this.clock ? this.clock() : new Date();
  }

  setNow(now: Date | string | (() => Date) | null): void {
    if (now === null) this.clock = null;
    else if (typeof now === 'function') this.clock = now;
    else {
      const d = new Date(now);
      if (Number.isNaN(d.getTime())) throw new SimError(400, 'BadRequest', 'invalid date');
      this.clock = () => new Date(d);
    }
  }

  // --- world -----------------------------------------------------------------------------------

  async reset(): Promise<void> {
    this.faults = {};
    this.tokens.clear();
    this.requests = [];
    this.pageSize = { default: 500, entries: 200 };
    this.tokenTtlSec = this.opts.tokenTtlSec;
    this.importDelayMs = this.opts.importDelayMs;
    this.importDelayMinutes = 0;
    await this.onReset?.();
    // Empty the containers of the firms we are about to drop, then rebuild from the fixture.
    await Promise.all([...this.firms.values()].map((f) => (f.container ? this.emptyContainer(f.container) : undefined)));
    this.firms.clear();
    const fx = typeof this.opts.fixture === 'function' ? this.opts.fixture(this.now()) : this.opts.fixture;
    for (const f of fx.firms) await this.addFirm(f);
  }

  async addFirm(spec: SimFirmSpec): Promise<void> {
    if (this.firms.has(spec.sic)) throw new SimError(409, 'Conflict', `firm ${spec.sic} exists`);
    const container = spec.hasContainer === false ? null : this.containerName(spec.sic);
    const firm: SimFirm = {
      sic: spec.sic,
      name: spec.name,
      cpa: { ...spec.cpa },
      cfe: { ...spec.cfe },
      portalAccess: spec.portalAccess !== false,
      container,
      dossiers: new Map(),
    };
    if (container) await this.blobs.getContainerClient(container).createIfNotExists();
    this.firms.set(firm.sic, firm);
    for (const d of spec.dossiers) this.addDossier(firm.sic, d);
  }

  addDossier(sic: string, spec: SimDossierSpec): void {
    const firm = this.firm(sic);
    if (firm.dossiers.has(spec.code)) throw new SimError(409, 'Conflict', `dossier ${spec.code} exists`);
    const d: SimDossier = {
      code: spec.code,
      name: spec.name,
      periods: spec.periods.map((p) => ({ ...p })),
      journals: new Map(spec.journals.map((j) => [j.code, { ...j }])),
      accounts: new Map(),
      lines: [],
      rejected: [],
      imports: [],
      documents: new Map(),
      importCounts: new Map(),
    };
    for (const a of spec.accounts) d.accounts.set(a.number, toAccount(a));
    for (const e of spec.entries ?? []) {
      d.lines.push({
        lineId: this.nextLineId(),
        journalCode: e.journalCode,
        date: e.date,
        account: e.account,
        label: e.label,
        sense: e.sense,
        amountCents: e.amountCents,
        pieceNumber: e.pieceNumber ?? '',
        reference: e.reference ?? '',
        attachment: '',
        importedAt: new Date(`${e.date}T18:00:00.000Z`).toISOString(),
        visibleFrom: 0,
        visibleAt: 0,
        blobName: null,
      });
    }
    firm.dossiers.set(d.code, d);
  }

  firm(sic: string): SimFirm {
    const f = this.firms.get(sic);
    if (!f) throw new SimError(404, 'NotFound', `unknown firm ${sic}`);
    return f;
  }

  dossier(sic: string, code: string): SimDossier {
    const d = this.firm(sic).dossiers.get(code);
    if (!d) throw new SimError(404, 'NotFound', `unknown dossier ${code}`);
    return d;
  }

  setPeriodStatus(sic: string, code: string, period: string, status: 'open' | 'closed'): void {
    const d = this.dossier(sic, code);
    const p = d.periods.find((x) => x.code === period || x.start === period);
    if (!p) throw new SimError(404, 'NotFound', `unknown period ${period}`);
    p.status = status;
  }

  setJournalOpen(sic: string, code: string, journal: string, open: boolean): void {
    const j = this.dossier(sic, code).journals.get(journal);
    if (!j) throw new SimError(404, 'NotFound', `unknown journal ${journal}`);
    j.open = open;
  }

  addAccount(sic: string, code: string, a: SimAccountSpec): void {
    this.dossier(sic, code).accounts.set(a.number, toAccount(a));
  }

  // --- auth ------------------------------------------------------------------------------------

  issueToken(service: SimService, clientId: string, clientSecret: string): { token: string; expiresIn: number } | null {
    const firm = [...this.firms.values()].find((f) => f[service].key === clientId && f[service].secret === clientSecret);
    if (!firm) return null;
    const token = `sim_${service}_${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { sic: firm.sic, service, expiresAt: Date.now() + this.tokenTtlSec * 1000 });
    return { token, expiresIn: this.tokenTtlSec };
  }

  /** The firm a bearer token belongs to, or why not. */
  authenticate(service: SimService, authorization: string | undefined): SimFirm | 'missing' | 'invalid' | 'expired' {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m?.[1]) return 'missing';
    const rec = this.tokens.get(m[1]);
    if (!rec || rec.service !== service) return 'invalid';
    if (Date.now() >= rec.expiresAt) return 'expired';
    return this.firms.get(rec.sic) ?? 'invalid';
  }

  expireAllTokens(): void {
    for (const rec of this.tokens.values()) rec.expiresAt = 0;
  }

  setFaults(f: SimFaults): void {
    const { expireTokens, ...rest } = f;
    if (expireTokens) this.expireAllTokens();
    // Copies: the countdowns must not mutate the caller's object.
    this.faults = {
      ...this.faults,
      ...rest,
      ...(rest.failNext ? { failNext: { ...rest.failNext } } : {}),
      ...(rest.malformNext ? { malformNext: { ...rest.malformNext } } : {}),
      ...(rest.neverOpen ? { neverOpen: [...rest.neverOpen] } : {}),
    };
  }

  /** Consumes one failNext slot if this request matches it. */
  takeFailure(service: SimService, path: string): { status: number; retryAfterSec?: number } | null {
    const f = this.faults.failNext;
    if (!f || f.count <= 0) return null;
    if (f.service && f.service !== service) return null;
    if (f.pathContains && !path.includes(f.pathContains)) return null;
    f.count -= 1;
    if (f.count <= 0) delete this.faults.failNext;
    return { status: f.status, ...(f.retryAfterSec !== undefined ? { retryAfterSec: f.retryAfterSec } : {}) };
  }

  /** Consumes one malformNext slot if this request matches it. */
  takeMalformed(service: SimService, path: string): boolean {
    const f = this.faults.malformNext;
    if (!f || f.count <= 0) return false;
    if (f.service && f.service !== service) return false;
    if (f.pathContains && !path.includes(f.pathContains)) return false;
    f.count -= 1;
    if (f.count <= 0) delete this.faults.malformNext;
    return true;
  }

  logRequest(e: RequestLogEntry): void {
    this.requests.push(e);
    if (this.requests.length > 5000) this.requests.splice(0, this.requests.length - 5000);
  }

  // --- CFE -------------------------------------------------------------------------------------

  containerName(sic: string): string {
    return `${this.opts.containerPrefix}cfe-${sic}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  }

  /** A 1-hour SAS on the firm's container, racwdl, like CFE would hand out. */
  containerSasUrl(firm: SimFirm): string {
    if (!firm.container)
      throw new SimError(404, 'ContainerNotFoundInSicSettings', `No exchange container is configured for SIC ${firm.sic}`);
    const startsOn = new Date(Date.now() - 5 * 60_000); // clock skew
    const expiresOn = new Date(Date.now() + 60 * 60_000);
    const sas = generateBlobSASQueryParameters(
      { containerName: firm.container, permissions: ContainerSASPermissions.parse('racwdl'), startsOn, expiresOn },
      this.credential,
    ).toString();
    return `${this.blobEndpoint ?? this.opts.azurite.blobEndpoint}/${firm.container}?${sas}`;
  }

  containerClient(sic: string): ContainerClient | null {
    const firm = this.firm(sic);
    return firm.container ? this.blobs.getContainerClient(firm.container) : null;
  }

  async listBlobs(
    sic: string,
    prefix?: string,
  ): Promise<Array<{ name: string; size: number; lastModified: string; metadata: Record<string, string> }>> {
    const c = this.containerClient(sic);
    if (!c) return [];
    const out: Array<{ name: string; size: number; lastModified: string; metadata: Record<string, string> }> = [];
    for await (const b of c.listBlobsFlat({ includeMetadata: true, ...(prefix ? { prefix } : {}) })) {
      out.push({
        name: b.name,
        size: b.properties.contentLength ?? 0,
        lastModified: b.properties.lastModified.toISOString(),
        metadata: b.metadata ?? {},
      });
    }
    return out;
  }

  private async emptyContainer(name: string): Promise<void> {
    const c = this.blobs.getContainerClient(name);
    if (!(await c.exists())) return;
    const names: string[] = [];
    for await (const b of c.listBlobsFlat()) names.push(b.name);
    await Promise.all(names.map((n) => c.getBlobClient(n).deleteIfExists()));
  }

  // --- Quadra import ---------------------------------------------------------------------------

  /**
   * What Quadra does when the user opens a dossier: takes every deposit `{code}/*.zip` from the
   * firm's container (oldest first), removes it, and imports its lines entry by entry.
   */
  async openDossier(sic: string, code: string): Promise<ImportReport> {
    const firm = this.firm(sic);
    const dossier = this.dossier(sic, code);
    const report: ImportReport = { sic, dossier: code, deposits: [], imported: 0, rejected: [], createdAccounts: [] };
    if (this.faults.neverOpen?.includes(code)) return { ...report, skipped: 'neverOpen' };
    const c = firm.container ? this.blobs.getContainerClient(firm.container) : null;
    if (!c) return report;

    const pending = (await this.listBlobs(sic, `${code}/`))
      .filter((b) => b.name.toLowerCase().endsWith('.zip'))
      .sort((a, b) => a.lastModified.localeCompare(b.lastModified) || a.name.localeCompare(b.name));

    for (const b of pending) {
      const blob = c.getBlobClient(b.name);
      let zip: Uint8Array;
      try {
        zip = new Uint8Array(await blob.downloadToBuffer());
        // Quadra takes the deposit: from now on the sender's remove() finds nothing.
        const del = await blob.deleteIfExists();
        if (!del.succeeded) continue; // someone withdrew it meanwhile
      } catch {
        continue; // withdrawn between list and download
      }
      const dep = this.importDeposit(dossier, b.name, zip, report.createdAccounts);
      report.deposits.push(dep.report);
      report.imported += dep.report.imported;
      report.rejected.push(...dep.rejected);
    }
    dossier.imports.push(report);
    return report;
  }

  private importDeposit(
    d: SimDossier,
    blobName: string,
    zip: Uint8Array,
    createdAccounts: string[],
  ): { report: DepositReport; rejected: RejectedLine[] } {
    return importDeposit(this, d, blobName, zip, createdAccounts);
  }

  /** The next line id Quadra gives (for import.ts). */
  nextLineId(): string {
    this.lineSeq += 1;
    return String(this.lineSeq).padStart(10, '0');
  }
}

export class SimError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function toAccount(a: SimAccountSpec): Account {
  const kind: AccountKind = a.kind;
  return { kind, number: a.number, label: a.label, collective: a.collective ?? null };
}

/** Public shape of a stored line (without simulator bookkeeping). */
export function publicLine(l: StoredLine): QuadraEntryLine {
  const { visibleFrom: _v, visibleAt: _a, blobName: _b, ...rest } = l;
  return rest;
}
