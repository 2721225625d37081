import { z } from 'zod';
import { cmRequestSchema, cmSmartcardSchema, guidSchema } from './cm';
import { directoryAnswerSchema } from './directory';
import { ERROR_CODES, errorParamsSchema, errorPayloadSchema } from './errors';
import { issuancePlanSchema } from './issuance';
import { cardIdentifierSchema, hexSchema } from './readers';

/**
 * What the station learned from a card in a reader: read from the card itself (ATR, identifier,
 * model) and what CM knows of it. `cm` says whether CM was asked and what it answered, so the
 * screen can tell "CM does not know this card" from "CM could not be asked".
 */
export const cmCardLookupSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('asking') }),
  z.object({ state: z.literal('found'), card: cmSmartcardSchema }),
  z.object({ state: z.literal('unknown') }),
  z.object({ state: z.literal('not-asked'), reason: z.enum(['offline', 'no-identifier', 'unconfigured']) }),
  z.object({ state: z.literal('failed'), error: errorPayloadSchema }),
]);
export type CmCardLookup = z.infer<typeof cmCardLookupSchema>;

/** The ATR's meaning as facts the renderer words (atrSummary is the same in English, for logs). */
export const atrFactsSchema = z.object({
  protocols: z.array(z.number().int()),
  inverse: z.boolean(),
  /** The contactless card's name (a product name) or kind, from PC/SC part 3. */
  contactless: z.string().nullable(),
  tckWrong: z.boolean(),
  invalid: z.boolean(),
});
export type AtrFacts = z.infer<typeof atrFactsSchema>;

export const cardReadingSchema = z.object({
  reader: z.string(),
  atr: hexSchema,
  insertion: z.number().int().nonnegative(),
  /** One-line meaning of the ATR (protocols, convention, card family), for the card panel. */
  atrSummary: z.string(),
  atrFacts: atrFactsSchema.optional(),
  model: z.string().nullable(),
  identifier: cardIdentifierSchema,
  cm: cmCardLookupSchema,
});
export type CardReading = z.infer<typeof cardReadingSchema>;

/** Exactly what POST /smartcards will carry: shown on the confirmation screen before it is sent. */
export const bindPayloadSchema = z.object({ requestid: guidSchema, cardid: z.string().min(1), atr: hexSchema });
export type BindPayload = z.infer<typeof bindPayloadSchema>;

/** The card a request replaces: named by the request (OldSmartcardUuid) or picked by the operator. */
export const replacementSchema = z.object({
  smartcardUuid: guidSchema,
  source: z.enum(['request', 'operator']),
  card: cmSmartcardSchema.nullable(),
});
export type Replacement = z.infer<typeof replacementSchema>;

/** How one outbox operation stands, as the enrollment screen reports it. */
export const stepOutcomeSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('sending'), operationId: z.uuid() }),
  /** Saved, to be sent later; `error` is the last failure (e.g. a 500 with its correlation id). */
  z.object({
    state: z.literal('queued'),
    operationId: z.uuid(),
    reason: z.string(),
    error: errorPayloadSchema.nullable(),
    /** A retire held until the new card is Active (not a failure): what it waits for, for the renderer to word. */
    held: z.object({ newSmartcardUuid: z.string().nullable(), lastStatus: z.string().nullable() }).nullable().optional(),
  }),
  z.object({ state: z.literal('done'), operationId: z.uuid(), smartcardUuid: guidSchema }),
  z.object({ state: z.literal('needs-attention'), operationId: z.uuid(), error: errorPayloadSchema }),
]);
export type StepOutcome = z.infer<typeof stepOutcomeSchema>;

const withCard = { reader: z.string(), card: cardReadingSchema };
const withChoice = {
  ...withCard,
  request: cmRequestSchema,
  replacement: replacementSchema.nullable(),
  payload: bindPayloadSchema,
  /** Desk issuance for this card (absent: policy issueAtDesk is off). */
  issuance: issuancePlanSchema.optional(),
};
/** After confirmation the bind (and the retire, if any) are outbox operations: durable first. */
const withOutcomes = { ...withChoice, bind: stepOutcomeSchema, retire: stepOutcomeSchema.nullable() };

/**
 * One reader's enrollment, step by step (design.md section 1). Each step carries exactly the data
 * that exists at that point, so e.g. a "retiring" state without a chosen request cannot be written.
 * `notice` is the last refusal on this step (e.g. a different card is in the reader).
 * After confirmation the step follows the outbox: binding -> retiring (when a card is replaced) ->
 * done (everything sent, or queued while CM is offline); attention when an operation was refused.
 */
export const enrollmentStateSchema = z.discriminatedUnion('step', [
  z.object({ step: z.literal('waiting'), reader: z.string(), notice: errorPayloadSchema.nullable() }),
  z.object({ step: z.literal('reading'), reader: z.string(), atr: hexSchema, insertion: z.number().int() }),
  z.object({ step: z.literal('card-read'), ...withCard, notice: errorPayloadSchema.nullable() }),
  z.object({ step: z.literal('request-chosen'), ...withChoice, notice: errorPayloadSchema.nullable() }),
  z.object({ step: z.literal('confirming'), ...withChoice }),
  z.object({ step: z.literal('binding'), ...withOutcomes }),
  z.object({ step: z.literal('retiring'), ...withOutcomes }),
  z.object({ step: z.literal('done'), ...withOutcomes }),
  z.object({ step: z.literal('attention'), ...withOutcomes }),
]);
export type EnrollmentState = z.infer<typeof enrollmentStateSchema>;
export type EnrollmentStep = EnrollmentState['step'];
/** Every step in flow order (the compiler checks the list against the schema both ways). */
export const ENROLLMENT_STEPS = [
  'waiting',
  'reading',
  'card-read',
  'request-chosen',
  'confirming',
  'binding',
  'retiring',
  'done',
  'attention',
] as const satisfies readonly EnrollmentStep[];
type MissingStep = Exclude<EnrollmentStep, (typeof ENROLLMENT_STEPS)[number]>;
const everyStepListed: [MissingStep] extends [never] ? true : MissingStep = true;
void everyStepListed;

export const requestSearchSchema = z.strictObject({
  /** Matches request id, target user (GUID or name) and template (GUID or name); empty = all. */
  query: z.string().max(200).default(''),
  limit: z.number().int().min(1).max(500).default(100),
});

export const requestSearchResultSchema = z.object({
  requests: z.array(cmRequestSchema),
  /** Where the list came from: CM just now, or the last synced copy (offline). */
  source: z.enum(['live', 'cache', 'none']),
  syncedAt: z.string().nullable(),
  /** The rows' target users as the directory names them (absent: not asked). */
  people: directoryAnswerSchema.optional(),
});
export type RequestSearchResult = z.infer<typeof requestSearchResultSchema>;

/**
 * Bulk mode: a chosen list of requests the station works through in order. Each card read in any
 * reader takes the next request and goes straight to the confirmation (the operator still
 * confirms every bind); a request leaves the list once its bind is submitted.
 */
export const batchStateSchema = z.object({
  /** Still to do, in order; the first ones may be reserved by a reader. */
  pending: z.array(guidSchema),
  /** Which reader is showing which request right now. */
  reserved: z.array(z.object({ reader: z.string(), requestId: guidSchema })),
  submitted: z.array(guidSchema),
  /** Requests that could not be chosen (e.g. no longer Approved), with the reason. */
  skipped: z.array(
    z.object({
      requestId: guidSchema,
      /** English, for logs; the screen words `code`. */
      reason: z.string(),
      code: z.enum(ERROR_CODES).optional(),
      params: errorParamsSchema.optional(),
    }),
  ),
});
export type BatchState = z.infer<typeof batchStateSchema>;

export const batchSetSchema = z.strictObject({ requestIds: z.array(guidSchema).min(1).max(500) });
