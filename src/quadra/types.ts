/**
 * What we read from Quadra through CPA, in the app's own terms. These types do not follow the wire:
 * the wire module (./wire.ts, ./wire-records.ts) reads Cegid's names and formats into them, so a
 * change of the wire moves nothing downstream.
 */
import { z } from 'zod';
import { CFE_CONTAINER_FIELD } from './wire.ts';

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

export const TokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'token_type must be Bearer'),
  expires_in: z.coerce.number().positive(),
});
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

export const ContainerResponseSchema = z.object({
  [CFE_CONTAINER_FIELD]: z.url(),
});
