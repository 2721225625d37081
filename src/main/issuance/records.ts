import { z } from 'zod';
import { guidSchema } from '../../shared/cm';
import { errorPayloadSchema } from '../../shared/errors';
import {
  CERTIFICATE_SLOTS,
  isRetiredSlot,
  ISSUANCE_STEPS,
  issuanceStepStateSchema,
  issuedCertificateSchema,
  PIV_SLOTS,
  type IssuanceStep,
} from '../../shared/issuance';
import { hexSchema } from '../../shared/readers';

/**
 * One issuance as the journal keeps it (`issuance.journal` in the data folder): the whole record
 * is appended after every change, the last one per request wins, and every record read back is
 * validated here. What is never in it: a PIN, the PUK, a private key, the pfxpassword (runner.ts).
 */

const isoTime = z.iso.datetime();
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

/** CM's `certificaterequestgenerationoptions` element as it was when the keys were made (public data). */
export const recordedOptionSchema = z.strictObject({
  subject: z.string(),
  keyAlgorithmName: z.string(),
  keySize: z.number().int(),
  friendlyName: z.string(),
  hashAlgorithmName: z.string(),
  exportable: z.boolean(),
  keyUsages: z.number().int(),
});

export const recordedKeySchema = z.strictObject({
  option: z.number().int().nonnegative(),
  slot: z.enum(PIV_SLOTS),
  algorithm: z.enum(['rsa2048', 'eccp256']),
  /**
   * DER SubjectPublicKeyInfo, base64, once generated. The plan (slot, algorithm) is on disk before
   * GENERATE is sent: a key still null at resume is generated again into the same slot.
   */
  publicKey: base64.nullable(),
  /** The PKCS#10 request the card signed, base64 DER. */
  csr: base64.nullable(),
});
export type RecordedKey = z.infer<typeof recordedKeySchema>;

/**
 * `certificatedata`: CM issues once and has no GET for its answer (desk-issuance.md). 'sending' is on
 * disk before the POST leaves; the raw answer is on disk before anything parses it or writes the card.
 * 'sending' found at resume is an unknown outcome: a person decides, the POST is never sent again.
 * 'refused' is CM's worded refusal (an HTTP error answer): nothing was issued, a retry may send again.
 */
export const certificateDataSchema = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('not-sent') }),
  z.strictObject({ state: z.literal('sending'), at: isoTime, attempt: z.number().int().positive() }),
  z.strictObject({ state: z.literal('refused'), at: isoTime, attempt: z.number().int().positive(), error: errorPayloadSchema }),
  z.strictObject({ state: z.literal('answered'), at: isoTime, attempt: z.number().int().positive(), raw: z.string() }),
]);
export type CertificateDataRecord = z.infer<typeof certificateDataSchema>;

export const recordedWriteSchema = z
  .strictObject({
    /** 9A-9E, or a retired key management slot 82-95 for a key-history key (always imported). */
    slot: z.enum(CERTIFICATE_SLOTS),
    /** 'writing' is on disk before PUT DATA / IMPORT: found at resume, the slot is read back and compared. */
    state: z.enum(['writing', 'written']),
    certificate: issuedCertificateSchema,
    /** A key CM generated or recovered (imported from its PFX) rather than one generated on the card. */
    imported: z.boolean(),
    /**
     * For an imported key: which Certificate object of the journaled answer it came from (its index),
     * so a resumed run knows it without opening the PFX, whose password was in memory only.
     */
    entry: z.number().int().nonnegative().optional(),
  })
  .refine((w) => !isRetiredSlot(w.slot) || (w.imported && w.entry !== undefined), {
    // A retired slot only ever holds a key-history key, imported from a known entry of the answer.
    message: 'a retired slot holds an imported key-history key',
  });

/** Where the engine stands with the record (the screen's phase is derived: view.ts). */
export const RECORD_PHASES = ['offer', 'running', 'paused', 'failed', 'done', 'canceled', 'skipped'] as const;
export type RecordPhase = (typeof RECORD_PHASES)[number];

export const issuanceRecordSchema = z.strictObject({
  v: z.literal(1),
  requestId: guidSchema,
  /** The reader it last ran in (a resumed issuance moves to the reader its card is in). */
  reader: z.string().min(1),
  smartcardUuid: guidSchema,
  /** The card id exactly as the bind sent it (pcsc/identify.ts formatCmGuid of the CHUID GUID). */
  cardId: z.string().min(1),
  atr: hexSchema,
  profileTemplateUuid: guidSchema,
  phase: z.enum(RECORD_PHASES),
  /** Why it paused or failed; null otherwise. */
  error: errorPayloadSchema.nullable(),
  steps: z.array(issuanceStepStateSchema),
  /** Which 9B key the card holds: 'changing' = SET MANAGEMENT KEY may or may not have happened. */
  adminKey: z.enum(['default', 'changing', 'diversified']),
  options: z.array(recordedOptionSchema).nullable(),
  keys: z.array(recordedKeySchema),
  certificateData: certificateDataSchema,
  writes: z.array(recordedWriteSchema),
  /** 'changing': CHANGE REFERENCE DATA may have happened; the new PIN itself is never recorded. */
  pin: z.enum(['factory', 'changing', 'set', 'shown']),
  puk: z.enum(['factory', 'changing', 'replaced']),
  createdAt: isoTime,
  updatedAt: isoTime,
});
export type IssuanceRecord = z.infer<typeof issuanceRecordSchema>;

export interface NewIssuance {
  requestId: string;
  reader: string;
  smartcardUuid: string;
  cardId: string;
  atr: string;
  profileTemplateUuid: string;
}

/** Steps done before the engine's first record: capability, CHUID and bind happened in the enrollment. */
const BEFORE_ENGINE: readonly IssuanceStep[] = ['capability', 'chuid', 'bind'];

export function newRecord(input: NewIssuance, phase: 'offer' | 'running', nowIso: string): IssuanceRecord {
  return {
    v: 1,
    ...input,
    phase,
    error: null,
    steps: ISSUANCE_STEPS.map((step) => ({
      step,
      status: BEFORE_ENGINE.includes(step) ? 'done' : 'pending',
      startedAt: BEFORE_ENGINE.includes(step) ? nowIso : null,
      endedAt: BEFORE_ENGINE.includes(step) ? nowIso : null,
    })),
    adminKey: 'default',
    options: null,
    keys: [],
    certificateData: { state: 'not-sent' },
    writes: [],
    pin: 'factory',
    puk: 'factory',
    createdAt: nowIso,
    updatedAt: nowIso,
  };
}

export function stepStatus(record: IssuanceRecord, step: IssuanceStep) {
  return record.steps.find((s) => s.step === step)?.status ?? 'pending';
}

/** Finished records: nothing more will happen to them. */
export function isFinished(record: IssuanceRecord): boolean {
  return record.phase === 'done' || record.phase === 'canceled' || record.phase === 'skipped';
}
