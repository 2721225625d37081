import { z } from 'zod';

/** Bytes travel as lowercase hex without spaces. */
export const hexSchema = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'lowercase hex, no spaces');

export const serviceStateSchema = z.enum(['starting', 'up', 'down']);
export type ServiceState = z.infer<typeof serviceStateSchema>;

export const cardIdentifierSchema = z.object({
  kind: z.enum(['piv-guid', 'uid', 'cplc', 'none']),
  value: z.string().nullable(),
});
export type CardIdentifier = z.infer<typeof cardIdentifierSchema>;

/** A card as the monitor saw it: the ATR arrives first, the identifier once it has been read. */
export const cardStateSchema = z.object({
  atr: hexSchema,
  /** Monotonic per reader: tells one insertion from the next, even with the same ATR. */
  insertion: z.number().int().nonnegative(),
  insertedAt: z.string(),
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
