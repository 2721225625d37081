import { z } from 'zod';

/**
 * A parsed Answer-To-Reset (ISO/IEC 7816-3 §8, PC/SC part 3 for contactless pseudo-ATRs).
 *
 * Every meaning is structured data rather than prose: the renderer words it through i18n, and the
 * shape is JSON-safe so it crosses IPC/WebSocket unchanged. Bytes are lowercase hex.
 */

const hexByteSchema = z.string().regex(/^[0-9a-f]{2}$/, 'one byte as lowercase hex');
const hexBytesSchema = z.string().regex(/^(?:[0-9a-f]{2})*$/, 'lowercase hex, no spaces');
/** A protocol type T (low nibble of a TD byte). 15 is not a protocol: it qualifies global bytes. */
const protocolTypeSchema = z.number().int().min(0).max(15);

/**
 * The clock bit rates are quoted at: readers clock cards at 4 MHz by default (the common CCID
 * dwDefaultClock, and what pcsc-tools assumes). Exported so the UI can say "at 4 MHz".
 */
export const DEFAULT_CLOCK_HZ = 4_000_000;

/** TA1 (ISO 7816-3 §8.3, tables 7 and 8). Null fields mean the table entry is RFU. */
export const fiDiMeaningSchema = z.object({
  kind: z.literal('fi-di'),
  /** Clock rate conversion integer Fi and the maximum clock frequency f(max) it allows. */
  fi: z.number().int().positive().nullable(),
  fMaxMHz: z.number().positive().nullable(),
  /** Baud rate adjustment integer Di. */
  di: z.number().int().positive().nullable(),
  /** Clock cycles per elementary time unit (Fi/Di). */
  cyclesPerEtu: z.number().positive().nullable(),
  /** Bit rate at the reader's usual default clock (DEFAULT_CLOCK_HZ), and at f(max). */
  bitRateAtDefaultClock: z.number().int().positive().nullable(),
  bitRateAtFMax: z.number().int().positive().nullable(),
});

const interfaceByteMeaningSchema = z.discriminatedUnion('kind', [
  fiDiMeaningSchema,
  /** TB1 / TB2: programming voltage, deprecated since ISO 7816-3:2006 (cards should send 00). */
  z.object({
    kind: z.literal('vpp-deprecated'),
    connected: z.boolean(),
    /** TB1: PI1 (volts) and II (max programming current index); TB2: PI2 in decivolts. */
    pi: z.number().int().nonnegative(),
    ii: z.number().int().nonnegative().nullable(),
  }),
  /** TC1: extra guard time N in ETUs; 255 means the minimum (12 ETU for T=0, 11 for T=1). */
  z.object({ kind: z.literal('extra-guard-time'), n: z.number().int().min(0).max(255), minimum: z.boolean() }),
  /** TA2: the card only runs in specific mode, with this protocol. */
  z.object({
    kind: z.literal('specific-mode'),
    protocol: protocolTypeSchema,
    /** b8 = 0: the card can switch to negotiable mode (after a warm reset). */
    canChangeMode: z.boolean(),
    /** b5 = 1: Fi/Di are implicit, TA1 must not be used. */
    implicitParameters: z.boolean(),
  }),
  /** TC2 for T=0: work waiting integer WI (waiting time = 960 x WI x Fi / f). */
  z.object({ kind: z.literal('work-waiting-integer'), wi: z.number().int().min(0).max(255) }),
  /** First TA for T=1 (i > 2): information field size of the card; 00 and FF are invalid. */
  z.object({ kind: z.literal('ifsc'), ifsc: z.number().int().min(0).max(255), valid: z.boolean() }),
  /** First TB for T=1 (i > 2): block and character waiting time integers. */
  z.object({ kind: z.literal('bwi-cwi'), bwi: z.number().int().min(0).max(15), cwi: z.number().int().min(0).max(15) }),
  /** First TC for T=1 (i > 2): b1 selects the error detection code. */
  z.object({ kind: z.literal('error-detection-code'), code: z.enum(['lrc', 'crc']) }),
  /** First TA for T=15: clock stop indicator X and class indicator U. */
  z.object({
    kind: z.literal('clock-stop-class'),
    clockStop: z.enum(['not-supported', 'state-low', 'state-high', 'no-preference']),
    classes: z.array(z.enum(['A', 'B', 'C'])),
  }),
  /** First TB for T=15: use of contact C6 (SPU). */
  z.object({ kind: z.literal('spu'), use: z.enum(['not-used', 'standard', 'proprietary']) }),
  /** A byte ISO 7816-3 leaves to the protocol's own specification (or a protocol we do not decode). */
  z.object({ kind: z.literal('unspecified') }),
]);
export type InterfaceByteMeaning = z.infer<typeof interfaceByteMeaningSchema>;

const interfaceByteSchema = z.object({ byte: hexByteSchema, meaning: interfaceByteMeaningSchema });
export type InterfaceByte = z.infer<typeof interfaceByteSchema>;

/** One level i of interface bytes: TAi, TBi, TCi as flagged by T0 (i = 1) or TD(i-1), then TDi. */
export const atrLevelSchema = z.object({
  level: z.number().int().positive(),
  /** The T these bytes belong to: null for level 1 (global), else the T announced by TD(i-1). */
  qualifiedBy: protocolTypeSchema.nullable(),
  ta: interfaceByteSchema.nullable(),
  tb: interfaceByteSchema.nullable(),
  tc: interfaceByteSchema.nullable(),
  td: z.object({ byte: hexByteSchema, protocol: protocolTypeSchema }).nullable(),
});
export type AtrLevel = z.infer<typeof atrLevelSchema>;

/** ISO 7816-4 §8.1.1.2 compact-TLV tags as they appear in historical bytes (stable ids for i18n). */
export const compactTlvTagNameSchema = z.enum([
  'country-code',
  'issuer-identification-number',
  'card-service-data',
  'initial-access-data',
  'card-issuer-data',
  'pre-issuing-data',
  'card-capabilities',
  'status-indicator',
  'application-identifier',
]);
export type CompactTlvTagName = z.infer<typeof compactTlvTagNameSchema>;

/** Tag number -> name; tags 0 and 9..14 are not assigned for historical bytes. */
export const COMPACT_TLV_TAG_NAMES: Readonly<Partial<Record<number, CompactTlvTagName>>> = {
  1: 'country-code',
  2: 'issuer-identification-number',
  3: 'card-service-data',
  4: 'initial-access-data',
  5: 'card-issuer-data',
  6: 'pre-issuing-data',
  7: 'card-capabilities',
  8: 'status-indicator',
  15: 'application-identifier',
};

export const compactTlvObjectSchema = z.object({
  tag: z.number().int().min(0).max(15),
  /** Null for tags ISO 7816-4 does not assign in historical bytes. */
  name: compactTlvTagNameSchema.nullable(),
  value: hexBytesSchema,
});
export type CompactTlvObject = z.infer<typeof compactTlvObjectSchema>;

/** ISO 7816-4 §7.4.10 table 13 (life cycle status byte). */
export const lifeCycleSchema = z.enum([
  'no-information',
  'creation',
  'initialisation',
  'operational-activated',
  'operational-deactivated',
  'termination',
  'proprietary',
  'rfu',
]);

/** Status indicator: LCS and/or SW1-SW2, whichever the card sent. */
export const statusIndicatorSchema = z.object({
  lcs: hexByteSchema.nullable(),
  lifeCycle: lifeCycleSchema.nullable(),
  sw: z
    .string()
    .regex(/^[0-9a-f]{4}$/)
    .nullable(),
});
export type StatusIndicator = z.infer<typeof statusIndicatorSchema>;

/** What the category indicator byte (first historical byte, ISO 7816-4 §8.1.1) announces. */
const historicalContentSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('none') }),
  /**
   * Category 00 (status indicator in the last three bytes) or 80 (status, if any, as tag 8).
   */
  z.object({
    format: z.literal('compact-tlv'),
    objects: z.array(compactTlvObjectSchema),
    status: statusIndicatorSchema.nullable(),
  }),
  /** Category 00/80 whose objects do not add up: kept as raw bytes, not an error (the ATR is a hint). */
  z.object({ format: z.literal('compact-tlv-malformed'), reason: z.string() }),
  /** PC/SC part 3 storage-card pseudo-ATR: decoded in `AtrInfo.contactless`. */
  z.object({ format: z.literal('pcsc-storage-card') }),
  /** Category 10: the next byte is a DIR data reference. */
  z.object({ format: z.literal('dir-data-reference'), reference: hexByteSchema.nullable() }),
  /** Categories 81..8F. */
  z.object({ format: z.literal('rfu') }),
  /** Any other category: the manufacturer's own layout. */
  z.object({ format: z.literal('proprietary') }),
]);
export type HistoricalContent = z.infer<typeof historicalContentSchema>;

export const historicalBytesSchema = z.object({
  bytes: hexBytesSchema,
  category: hexByteSchema.nullable(),
  content: historicalContentSchema,
});
export type HistoricalBytes = z.infer<typeof historicalBytesSchema>;

/**
 * TCK (ISO 7816-3 §8.2.5): XOR of T0..TCK is 00. `required` unless only T=0 is offered. A wrong
 * TCK is reported, not rejected: the card is still usable and is identified by SELECT anyway.
 */
export const tckSchema = z.discriminatedUnion('present', [
  z.object({
    present: z.literal(true),
    required: z.boolean(),
    byte: hexByteSchema,
    valid: z.boolean(),
    /** The TCK that would make the checksum correct. */
    expected: hexByteSchema,
  }),
  z.object({ present: z.literal(false), required: z.boolean(), valid: z.null(), expected: z.null() }),
]);
export type Tck = z.infer<typeof tckSchema>;

/** PC/SC part 3 §3.1.3.2.3: the reader synthesised this ATR for a contactless card. */
export const contactlessInfoSchema = z.discriminatedUnion('kind', [
  /** Storage card: historical bytes carry RID A0 00 00 03 06, the standard byte SS and card name. */
  z.object({
    kind: z.literal('storage-card'),
    standard: z.string(),
    standardByte: hexByteSchema,
    cardName: z.string().nullable(),
    cardNameCode: z.string().regex(/^[0-9a-f]{4}$/),
  }),
  /** ISO 14443-4 card: historical bytes come from the ATS (type A) or ATQB (type B). */
  z.object({ kind: z.literal('iso14443-4'), standard: z.literal('ISO/IEC 14443-4'), cardName: z.null() }),
]);
export type ContactlessInfo = z.infer<typeof contactlessInfoSchema>;

export const atrInfoSchema = z.object({
  /** The ATR itself, normalised. */
  atr: hexBytesSchema,
  /** TS fixes the convention; readers pass inverse-convention ATRs on already decoded (3F). */
  ts: z.discriminatedUnion('byte', [
    z.object({ byte: z.literal('3b'), convention: z.literal('direct') }),
    z.object({ byte: z.literal('3f'), convention: z.literal('inverse') }),
  ]),
  t0: z.object({ byte: hexByteSchema, historicalLength: z.number().int().min(0).max(15) }),
  levels: z.array(atrLevelSchema),
  /** Offered protocols in TD order; [0] when there is no TD1 (ISO 7816-3 §8.2.3). */
  protocols: z.array(protocolTypeSchema.max(14)).min(1),
  historical: historicalBytesSchema,
  tck: tckSchema,
  contactless: contactlessInfoSchema.nullable(),
});
export type AtrInfo = z.infer<typeof atrInfoSchema>;
