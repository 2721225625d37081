import { z } from 'zod';
import { guidSchema } from './cm';
import { errorPayloadSchema } from './errors';
import { readerRefSchema } from './readers';

/**
 * Issuing at the desk (../shared/docs/desk-issuance.md): after the bind, the station executes the
 * CM request on the PIV card. This is the contract the renderer, the CLI and the issuance engine
 * share: the steps in order, how each stands, and the states one reader's issuance goes through.
 */

/** Every step, in the order they run. Steps that do not apply to a profile are `skipped`. */
export const ISSUANCE_STEPS = [
  /** PIV present, 9B answers a 3DES challenge, the profile allows desk issuance (before the bind). */
  'capability',
  /** A factory card has no CHUID: a fresh GUID is written (before the bind; it is the card id from then on). */
  'chuid',
  /** `POST /smartcards`, as a bind without issuance does (through the outbox). */
  'bind',
  /** 9B single authentication answered by CM's `authenticationresponse`. */
  'admin-auth',
  /** CM's diversified admin key installed (only when the profile diversifies). */
  'admin-key',
  /** One key pair per `certificaterequestgenerationoptions` element, generated on the card. */
  'generate-keys',
  /** PKCS#10 requests signed by the card. */
  'sign-requests',
  /** `POST certificatedata`, its answer kept durably before anything is written to the card. */
  'certificates',
  /** Each certificate written to the slot whose key it certifies (matched by public key). */
  'write-certificates',
  /** The user's PIN set (typed by the user, or CM's proposed PIN); the factory PUK replaced. */
  'pin',
  /** `PUT requests/{rid}` `{"status":"Completed"}`. */
  'complete',
  /** The card record read back: Active. */
  'verify-active',
] as const;
export type IssuanceStep = (typeof ISSUANCE_STEPS)[number];

export const issuanceStepStateSchema = z.object({
  step: z.enum(ISSUANCE_STEPS),
  status: z.enum(['pending', 'running', 'done', 'skipped', 'failed']),
  /** ISO times; a resumed step keeps its first start. */
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
export type IssuanceStepState = z.infer<typeof issuanceStepStateSchema>;

/** PIV slots the station writes (SP 800-73-4): 9A authentication, 9C signature, 9D key management, 9E card auth. */
export const PIV_SLOTS = ['9a', '9c', '9d', '9e'] as const;
export type PivSlot = (typeof PIV_SLOTS)[number];

/**
 * The twenty retired key management slots, key references 82 to 95 (SP 800-73-4 part 1 §3.3.2, Key
 * History): where a person's earlier encryption keys (CM's key history) go, filled from 82 upward.
 */
export const RETIRED_SLOTS = ['82', '83', '84', '85', '86', '87', '88', '89', '8a', '8b', '8c', '8d', '8e', '8f', '90', '91', '92', '93', '94', '95'] as const;
export type RetiredSlot = (typeof RETIRED_SLOTS)[number];

/** Every slot the station may put a certificate (and an imported key) in. */
export const CERTIFICATE_SLOTS = [...PIV_SLOTS, ...RETIRED_SLOTS] as const;
export type CertificateSlot = PivSlot | RetiredSlot;

export function isRetiredSlot(slot: CertificateSlot): slot is RetiredSlot {
  return (RETIRED_SLOTS as readonly string[]).includes(slot);
}

/** A certificate as it is on the card after issuance (what the result screen lists). */
export const issuedCertificateSchema = z.object({
  slot: z.enum(CERTIFICATE_SLOTS),
  subject: z.string(),
  issuer: z.string(),
  serialNumber: z.string(),
  notAfter: z.string(),
  /** CM's TemplateCommonName for it, when CM named one. */
  template: z.string().nullable(),
});
export type IssuedCertificate = z.infer<typeof issuedCertificateSchema>;

/** The PIN rules the hand-over screen enforces (from the profile's smart card configuration). */
export const pinRulesSchema = z.object({
  minLength: z.number().int().min(4).max(8),
  maxLength: z.number().int().min(4).max(8),
});
export type PinRules = z.infer<typeof pinRulesSchema>;

/** Machine policy `issueAtDesk`: never, offered after the bind (default), or always. */
export const ISSUE_AT_DESK = ['off', 'offer', 'always'] as const;
export type IssueAtDesk = (typeof ISSUE_AT_DESK)[number];

const base = {
  reader: z.string(),
  requestId: guidSchema,
  /** The card id the request is bound to (the CHUID GUID for a PIV card). */
  cardId: z.string(),
  steps: z.array(issuanceStepStateSchema),
};

/**
 * One reader's issuance. `offer` follows a bind that can be issued here ("Issue now" / "Bind only");
 * `pin-entry` is the hand-over screen (the PIN crosses the bridge once, to main, and is never sent
 * back); `pin-shown` shows CM's proposed PIN once; `paused` is resumable (card pulled, CM outage,
 * wrong card) and resumes when the same card (by its CHUID) is back; `failed` needs a person.
 */
export const issuanceStateSchema = z.discriminatedUnion('phase', [
  z.object({ phase: z.literal('idle'), reader: z.string() }),
  z.object({ phase: z.literal('offer'), ...base }),
  z.object({ phase: z.literal('running'), ...base, cancellable: z.boolean() }),
  z.object({ phase: z.literal('pin-entry'), ...base, rules: pinRulesSchema, notice: errorPayloadSchema.nullable() }),
  z.object({ phase: z.literal('pin-shown'), ...base, pin: z.string().regex(/^\d{4,8}$/) }),
  z.object({ phase: z.literal('paused'), ...base, error: errorPayloadSchema }),
  z.object({ phase: z.literal('done'), ...base, certificates: z.array(issuedCertificateSchema) }),
  z.object({ phase: z.literal('canceled'), ...base }),
  z.object({ phase: z.literal('failed'), ...base, error: errorPayloadSchema }),
]);
export type IssuanceState = z.infer<typeof issuanceStateSchema>;
export type IssuancePhase = IssuanceState['phase'];

/** The PIN typed twice on the hand-over screen; digits only, the profile's length rules checked in main. */
export const issuancePinSchema = readerRefSchema.extend({
  pin: z.string().regex(/^\d{4,8}$/),
  confirm: z.string().regex(/^\d{4,8}$/),
});

/**
 * What the station decided about issuing, when the request was chosen for a card (before anything
 * is written): the confirmation screen shows it. `mode` null: issuance is not offered for this card,
 * `reason` says why (the operator may still bind only). `chuid`: a factory card without a CHUID gets
 * this GUID (32 hex, as stored on the card) written right before the bind; the bind's card id is
 * made from it.
 */
export const issuancePlanSchema = z.object({
  mode: z.enum(['offer', 'always']).nullable(),
  reason: errorPayloadSchema.nullable(),
  chuid: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .nullable(),
});
export type IssuancePlan = z.infer<typeof issuancePlanSchema>;
