import { z } from 'zod';
import { errorPayloadSchema } from './errors';

/** A request that names one reader (card.read, enrollment.*, issuance.*, training.*). */
export const readerRefSchema = z.strictObject({ reader: z.string().min(1).max(200) });

/** Bytes travel as lowercase hex without spaces. */
export const hexSchema = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'lowercase hex, no spaces');

export const serviceStateSchema = z.enum(['starting', 'up', 'down']);
export type ServiceState = z.infer<typeof serviceStateSchema>;

/**
 * The identifier read from the card (the CM `cardid`): the PIV CHUID GUID, the contactless UID, or the
 * GlobalPlatform CPLC; `none` (value null) when the card offers none of them.
 */
export const cardIdentifierSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['piv-guid', 'uid', 'cplc']), value: z.string().min(1) }),
  z.object({ kind: z.literal('none'), value: z.null() }),
]);
export type CardIdentifier = z.infer<typeof cardIdentifierSchema>;

/** Reading the identifier of an inserted card: it starts right after the ATR is recorded. */
export const cardIdentityStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('reading') }),
  z.object({ status: z.literal('read'), identifier: cardIdentifierSchema }),
  /** e.g. PCSC_SHARING_VIOLATION (another program holds the card), PCSC_UNRESPONSIVE_CARD. */
  z.object({ status: z.literal('failed'), error: errorPayloadSchema }),
]);
export type CardIdentityState = z.infer<typeof cardIdentityStateSchema>;

/** A card as the monitor saw it: the ATR arrives first, the identifier once it has been read. */
export const cardStateSchema = z.object({
  atr: hexSchema,
  /** Monotonic per reader: tells one insertion from the next, even with the same ATR. */
  insertion: z.number().int().nonnegative(),
  insertedAt: z.string(),
  /** Absent when the source does not read identifiers (the PC/SC monitor can be told not to). */
  identity: cardIdentityStateSchema.optional(),
});
export type CardState = z.infer<typeof cardStateSchema>;

export const readerStateSchema = z.object({
  name: z.string(),
  card: cardStateSchema.nullable(),
});
export type ReaderState = z.infer<typeof readerStateSchema>;

export const readersSnapshotSchema = z.object({
  service: serviceStateSchema,
  readers: z.array(readerStateSchema),
});
export type ReadersSnapshot = z.infer<typeof readersSnapshotSchema>;
