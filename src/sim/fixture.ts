/**
 * The simulator's default world: a realistic firm with a few client dossiers, a French PCG
 * subset, usual journals and fiscal years derived from "now", plus the awkward cases the
 * prerequisite checks and error mapping need (no open period, a closed journal, a firm without
 * an exchange container, a firm without Collaborative Portal access).
 *
 * Accounts are written as Quadra stores them in an 8-character dossier: general accounts
 * right-padded with zeros ('40100000'), subsidiary accounts alphanumeric, left-aligned
 * ('FEDF0001' supplier, 'CDUPONT' customer) with their collective account.
 */
import type { AccountKind } from '../quadra/types.ts';

export interface SimKeyPair {
  key: string;
  secret: string;
}

export interface SimAccountSpec {
  number: string;
  label: string;
  kind: AccountKind;
  collective?: string;
}

export interface SimJournalSpec {
  code: string;
  label: string;
  open: boolean;
}

export interface SimPeriodSpec {
  code?: string;
  start: string;
  end: string;
  status: 'open' | 'closed';
}

/** A line already in Quadra before any deposit (typed by the accountant). */
export interface SimExistingLineSpec {
  journalCode: string;
  date: string;
  account: string;
  label: string;
  sense: 'D' | 'C';
  amountCents: number;
  pieceNumber?: string;
  reference?: string;
}

export interface SimDossierSpec {
  code: string;
  name: string;
  periods: SimPeriodSpec[];
  journals: SimJournalSpec[];
  accounts: SimAccountSpec[];
  entries?: SimExistingLineSpec[];
}

export interface SimFirmSpec {
  sic: string;
  name: string;
  cpa: SimKeyPair;
  cfe: SimKeyPair;
  /** Without Collaborative Portal access CPA data routes answer 403. Default true. */
  portalAccess?: boolean;
  /** Without an exchange container CFE answers ContainerNotFoundInSicSettings. Default true. */
  hasContainer?: boolean;
  dossiers: SimDossierSpec[];
}

export interface SimFixture {
  firms: SimFirmSpec[];
}

/** Credentials of the fixture firms: fake, for the simulator only. */
export const DEMO_FIRM = {
  sic: '100200',
  cpa: { key: 'cpa-demo-key', secret: 'cpa-demo-secret' },
  cfe: { key: 'cfe-demo-key', secret: 'cfe-demo-secret' },
} as const;

export const NO_CONTAINER_FIRM = {
  sic: '999000',
  cpa: { key: 'cpa-nocontainer-key', secret: 'cpa-nocontainer-secret' },
  cfe: { key: 'cfe-nocontainer-key', secret: 'cfe-nocontainer-secret' },
} as const;

export const NO_PORTAL_FIRM = {
  sic: '555000',
  cpa: { key: 'cpa-noportal-key', secret: 'cpa-noportal-secret' },
  cfe: { key: 'cfe-noportal-key', secret: 'cfe-noportal-secret' },
} as const;

/** Dossier codes of the demo firm, by the case they exercise. */
export const DEMO_DOSSIERS = {
  /** Calendar fiscal year, everything open: the happy path. */
  bakery: 'BOULANG',
  /** Fiscal year July to June. */
  garage: 'GARAGE',
  consulting: 'CONSEIL',
  /** Every period closed: fails the "open period" prerequisite. */
  noOpenPeriod: 'ANCIEN',
  /** Expense-report journal NF closed: fails "open journals". */
  closedJournal: 'PHARMA',
} as const;

const PCG: SimAccountSpec[] = [
  { number: '10100000', label: 'Capital', kind: 'general' },
  { number: '12000000', label: "Résultat de l'exercice", kind: 'general' },
  { number: '40100000', label: 'Fournisseurs', kind: 'general' },
  { number: '41100000', label: 'Clients', kind: 'general' },
  { number: '42100000', label: 'Personnel - rémunérations dues', kind: 'general' },
  { number: '44566000', label: 'TVA déductible sur autres biens et services', kind: 'general' },
  { number: '44571000', label: 'TVA collectée', kind: 'general' },
  { number: '46700000', label: 'Autres comptes débiteurs ou créditeurs', kind: 'general' },
  { number: '51200000', label: 'Banque', kind: 'general' },
  { number: '53000000', label: 'Caisse', kind: 'general' },
  { number: '60610000', label: 'Fournitures non stockables (eau, énergie)', kind: 'general' },
  { number: '60640000', label: 'Fournitures administratives', kind: 'general' },
  { number: '60700000', label: 'Achats de marchandises', kind: 'general' },
  { number: '61320000', label: 'Locations immobilières', kind: 'general' },
  { number: '62510000', label: 'Voyages et déplacements', kind: 'general' },
  { number: '62600000', label: 'Frais postaux et de télécommunications', kind: 'general' },
  { number: '62700000', label: 'Services bancaires et assimilés', kind: 'general' },
  { number: '64100000', label: 'Rémunérations du personnel', kind: 'general' },
  { number: '70100000', label: 'Ventes de produits finis', kind: 'general' },
  { number: '70600000', label: 'Prestations de services', kind: 'general' },
  { number: '70700000', label: 'Ventes de marchandises', kind: 'general' },
];

const supplier = (number: string, label: string): SimAccountSpec => ({ number, label, kind: 'supplier', collective: '40100000' });
const customer = (number: string, label: string): SimAccountSpec => ({ number, label, kind: 'customer', collective: '41100000' });

const COMMON_SUPPLIERS = [supplier('FEDF0001', 'EDF'), supplier('FORANGE', 'Orange'), supplier('FBNP', 'BNP Paribas')];

function journals(closed: string[] = []): SimJournalSpec[] {
  return [
    { code: 'AC', label: 'Achats', open: true },
    { code: 'VE', label: 'Ventes', open: true },
    { code: 'BQ', label: 'Banque', open: true },
    { code: 'NF', label: 'Notes de frais', open: true },
    { code: 'OD', label: 'Opérations diverses', open: true },
  ].map((j) => ({ ...j, open: !closed.includes(j.code) }));
}

const iso = (y: number, m: number, d: number) =>
  `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;

/** Fiscal years starting on `startMonth` (1-12): the one containing `now` and the one before. */
export function fiscalYears(now: Date, startMonth = 1): { previous: SimPeriodSpec; current: SimPeriodSpec } {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  const startYear = m >= startMonth ? y : y - 1;
  const mk = (sy: number, status: 'open' | 'closed'): SimPeriodSpec => {
    const end = new Date(Date.UTC(sy + 1, startMonth - 1, 1) - 86_400_000);
    return {
      code: startMonth === 1 ? String(sy) : `${sy}-${sy + 1}`,
      start: iso(sy, startMonth, 1),
      end: iso(end.getUTCFullYear(), end.getUTCMonth() + 1, end.getUTCDate()),
      status,
    };
  };
  return { previous: mk(startYear - 1, 'closed'), current: mk(startYear, 'open') };
}

export function defaultFixture(now: Date = new Date()): SimFixture {
  const cal = fiscalYears(now);
  const july = fiscalYears(now, 7);
  const prevYear = Number(cal.previous.start.slice(0, 4));

  return {
    firms: [
      {
        sic: DEMO_FIRM.sic,
        name: 'Cabinet Lefèvre Expertise',
        cpa: { ...DEMO_FIRM.cpa },
        cfe: { ...DEMO_FIRM.cfe },
        dossiers: [
          {
            code: 'BOULANG',
            name: 'Boulangerie Martin',
            periods: [cal.previous, cal.current],
            journals: journals(),
            accounts: [
              ...PCG,
              ...COMMON_SUPPLIERS,
              supplier('FMOULIN', 'Moulins de Savoie'),
              customer('CDUPONT', 'Dupont Traiteur'),
              customer('CMAIRIE', 'Mairie de Chambéry'),
            ],
            // Typed in Quadra by the accountant last year: the API must not confuse them with deposits.
            entries: [
              {
                journalCode: 'AC',
                date: iso(prevYear, 11, 15),
                account: 'FMOULIN',
                label: 'Farine novembre',
                sense: 'C',
                amountCents: 126000,
                pieceNumber: 'F1187',
              },
              {
                journalCode: 'AC',
                date: iso(prevYear, 11, 15),
                account: '60700000',
                label: 'Farine novembre',
                sense: 'D',
                amountCents: 105000,
                pieceNumber: 'F1187',
              },
              {
                journalCode: 'AC',
                date: iso(prevYear, 11, 15),
                account: '44566000',
                label: 'Farine novembre',
                sense: 'D',
                amountCents: 21000,
                pieceNumber: 'F1187',
              },
            ],
          },
          {
            code: 'GARAGE',
            name: 'Garage Dupont SARL',
            periods: [july.previous, july.current],
            journals: journals(),
            accounts: [...PCG, ...COMMON_SUPPLIERS, supplier('FNORAUTO', 'Norauto Pro'), customer('CLEROY', 'Transports Leroy')],
          },
          {
            code: 'CONSEIL',
            name: 'SAS Conseil & Stratégie',
            periods: [cal.previous, cal.current],
            journals: journals(),
            accounts: [...PCG, ...COMMON_SUPPLIERS, supplier('FSNCF', 'SNCF Voyageurs'), customer('CACME', 'ACME Industries')],
          },
          {
            code: 'ANCIEN',
            name: 'Librairie Ancienne Morel',
            periods: [
              { ...fiscalYears(new Date(Date.UTC(prevYear - 1, 5, 1))).current, status: 'closed' },
              { ...cal.previous, status: 'closed' },
            ],
            journals: journals(),
            accounts: [...PCG, ...COMMON_SUPPLIERS],
          },
          {
            code: 'PHARMA',
            name: 'Pharmacie du Centre',
            periods: [cal.previous, cal.current],
            journals: journals(['NF']),
            accounts: [...PCG, ...COMMON_SUPPLIERS, supplier('FOCP', 'OCP Répartition')],
          },
        ],
      },
      {
        sic: NO_CONTAINER_FIRM.sic,
        name: 'Cabinet Sans Conteneur',
        cpa: { ...NO_CONTAINER_FIRM.cpa },
        cfe: { ...NO_CONTAINER_FIRM.cfe },
        hasContainer: false,
        dossiers: [
          { code: 'MAISON', name: 'Maison Petit', periods: [cal.previous, cal.current], journals: journals(), accounts: [...PCG] },
        ],
      },
      {
        sic: NO_PORTAL_FIRM.sic,
        name: 'Cabinet Sans Portail',
        cpa: { ...NO_PORTAL_FIRM.cpa },
        cfe: { ...NO_PORTAL_FIRM.cfe },
        portalAccess: false,
        dossiers: [
          { code: 'FLEUR', name: 'Fleurs de Lys', periods: [cal.previous, cal.current], journals: journals(), accounts: [...PCG] },
        ],
      },
    ],
  };
}
