// The simulator's data shapes: firms, dossiers, stored lines, faults, reports.
import type { Account, Journal, Period, QuadraEntryLine } from '../quadra/types.ts';
import type { AzuriteHandle } from './azurite.ts';
import type { SimFixture } from './fixture.ts';

export type SimService = 'cpa' | 'cfe';

export interface SimFaults {
  /** Added to every CPA/CFE request (not control routes). */
  latencyMs?: number;
  /** The next `count` matching requests fail with `status` (and Retry-After when given). */
  failNext?: { count: number; status: 500 | 502 | 503 | 504 | 429; retryAfterSec?: number; service?: SimService; pathContains?: string };
  /** The next `count` matching requests answer 200 with a body of the wrong shape. */
  malformNext?: { count: number; service?: SimService; pathContains?: string };
  /** One-shot: every token issued so far is expired now. */
  expireTokens?: true;
  /** openDossier is a no-op for these dossier codes: the user never opens them. */
  neverOpen?: string[];
}

export type RejectReason =
  | 'ParseError'
  | 'BadDeposit'
  | 'NoOpenPeriod'
  | 'JournalUnknown'
  | 'JournalClosed'
  | 'Unbalanced'
  | 'EntryRejected';

export interface RejectedLine {
  blobName: string;
  /** 0 for a deposit-level rejection (unreadable zip/ASCII). */
  lineNumber: number;
  account: string;
  journalCode: string;
  date: string;
  reference: string;
  sense?: 'D' | 'C';
  amountCents?: number;
  reasonCode: RejectReason;
  reason: string;
  at: string;
}

export interface DepositReport {
  blobName: string;
  imported: number;
  rejected: number;
  documents: string[];
}

export interface ImportReport {
  sic: string;
  dossier: string;
  /** Set when nothing ran: the dossier is in faults.neverOpen. */
  skipped?: 'neverOpen';
  deposits: DepositReport[];
  imported: number;
  rejected: RejectedLine[];
  /** Accounts Quadra created: by a C record (with its label), or bare because M lines used them. */
  createdAccounts: string[];
}

export interface StoredLine extends QuadraEntryLine {
  /** Real-clock ms from which the CPA API shows the line (importDelayMs). */
  visibleFrom: number;
  /** Business-clock ms from which the CPA API shows the line (importDelayMinutes: an import that takes time). */
  visibleAt: number;
  blobName: string | null;
}

export interface SimDossier {
  code: string;
  name: string;
  periods: Period[];
  journals: Map<string, Journal>;
  accounts: Map<string, Account>;
  lines: StoredLine[];
  rejected: RejectedLine[];
  imports: ImportReport[];
  documents: Map<string, number>;
  /** How many times Quadra imported each reference (position 149): 2 is money in the ledger twice. */
  importCounts: Map<string, number>;
}

export interface SimFirm {
  sic: string;
  name: string;
  cpa: { key: string; secret: string };
  cfe: { key: string; secret: string };
  portalAccess: boolean;
  container: string | null;
  dossiers: Map<string, SimDossier>;
}

export interface TokenRecord {
  sic: string;
  service: SimService;
  expiresAt: number;
}

export interface RequestLogEntry {
  at: string;
  service: SimService;
  method: string;
  path: string;
  status: number;
  ms: number;
}

export interface SimStateOptions {
  azurite: AzuriteHandle;
  fixture: SimFixture | ((now: Date) => SimFixture);
  importDelayMs: number;
  containerPrefix: string;
  tokenTtlSec: number;
}
