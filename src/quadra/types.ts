/**
 * What we read from Quadra through CPA, validated with zod at the wire boundary.
 *
 * The wire shapes are MODELED (Cegid's partner contract is not public): the JSON below is the
 * simulator's contract and our best guess. If the real fields differ, change these schemas (add a
 * z.preprocess mapping the real names) and nothing downstream has to move.
 */
import { z } from 'zod';

const isoDate = z.iso.date(); // YYYY-MM-DD

export const DossierSchema = z.object({
  code: z.string().min(1),
  name: z.string(),
  /** Current fiscal year bounds, when Quadra reports them. */
  fiscalYearStart: isoDate.nullish(),
  fiscalYearEnd: isoDate.nullish(),
});
export type Dossier = z.infer<typeof DossierSchema>;

export const PeriodStatusSchema = z.enum(['open', 'closed']);
export const PeriodSchema = z.object({
  code: z.string().nullish(),
  start: isoDate,
  end: isoDate,
  status: PeriodStatusSchema,
});
export type Period = z.infer<typeof PeriodSchema>;

export const AccountKindSchema = z.enum(['general', 'customer', 'supplier']);
export type AccountKind = z.infer<typeof AccountKindSchema>;

export const AccountSchema = z.object({
  kind: AccountKindSchema,
  /** As stored by Quadra: at most 8 characters. */
  number: z.string().min(1).max(8),
  /** '' when Quadra has none, e.g. an account created by an import (the format carries no labels). */
  label: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  /** Collective (control) account of a customer/supplier account, e.g. '41100000'. */
  collective: z.string().nullish(),
});
export type Account = z.infer<typeof AccountSchema>;

export const JournalSchema = z.object({
  code: z.string().min(1).max(3),
  label: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  open: z.boolean(),
});
export type Journal = z.infer<typeof JournalSchema>;

export const SenseSchema = z.enum(['D', 'C']);
export type Sense = z.infer<typeof SenseSchema>;

export const QuadraEntryLineSchema = z.object({
  /** Quadra's unique line number: stable, the key for "found in Quadra". */
  lineId: z.string().min(1),
  journalCode: z.string().min(1),
  date: isoDate,
  account: z.string().min(1).max(8),
  label: z.string(),
  sense: SenseSchema,
  amountCents: z.number().int().nonnegative(),
  pieceNumber: z.string(),
  /** Alphanumeric piece number (ASCII position 149): where we put our matching reference. */
  reference: z.string(),
  attachment: z.string(),
  importedAt: z.iso.datetime({ offset: true }),
});
export type QuadraEntryLine = z.infer<typeof QuadraEntryLineSchema>;

/** Every CPA list is `{ items, nextPage }`; nextPage null/absent = last page. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextPage: z.union([z.number().int().positive(), z.string().min(1)]).nullish(),
  });
}

export const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'token_type must be Bearer'),
  expires_in: z.coerce.number().positive(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

export const ContainerResponseSchema = z.object({
  containerUrl: z.url(),
});
