import { z } from 'zod';
import { errorPayloadSchema } from './errors';

/**
 * `cm-check`: a read-only first contact with a real CM (issue #9, part 8), for IT on the first day
 * and on the Diagnostics screen. Only GETs are sent. What it reports: reachable, API enabled, the
 * sign-in result (with the WWW-Authenticate schemes of a 401), latency, and the request types and
 * statuses of the Approved, Executing and Pending requests (numbers and counts) with the station's
 * reading of each, so IT can confirm numbers once in machine policy (`requestTypeNumbers`).
 */
export const cmCheckTypeSchema = z.object({
  /** What CM sent: a number as text ("2") or a name. */
  raw: z.string(),
  count: z.number().int().nonnegative(),
  /** The station's reading: a type name, or null when unconfirmed. */
  reading: z.string().nullable(),
  /** documented (Microsoft's examples), policy (IT confirmed), name (CM sent the name), or unconfirmed. */
  confirmedBy: z.enum(['documented', 'policy', 'name', 'unconfirmed']),
  /** For an unconfirmed number: the likely name (one or two non-reference sources), else null. */
  likely: z.string().nullable(),
  /** Whether the station binds a new card to this type (null: only with acknowledgement). */
  bindable: z.boolean().nullable(),
});
export type CmCheckType = z.infer<typeof cmCheckTypeSchema>;

/**
 * Desk issuance (issue 16, item 6), read-only: whether each smart card profile template seen lets the
 * station execute requests (its smart card configuration), and whether this operator may call the
 * execution routes. Problems are codes the renderer and the CLI word.
 */
export const cmCheckIssuanceProfileSchema = z.object({
  templateUuid: z.string(),
  name: z.string(),
  /** allowed: the station can issue at the desk; not-allowed: the configuration says no; unknown: not readable. */
  verdict: z.enum(['allowed', 'not-allowed', 'unknown']),
  /** Length in bytes of the initial admin key (`DefaultAdminKeyHex`); 0: none; null: not read. */
  adminKeyBytes: z.number().int().nonnegative().nullable(),
  diversify: z.boolean().nullable(),
  /** The PIN option as the station reads it (`UserProvided`, `Unknown(3)`, ...); null: not read. */
  userPinOption: z.string().nullable(),
  /**
   * no-admin-key, admin-key-length (not 24 bytes: a PIV 3DES key), no-configuration (CM answered 204),
   * forbidden (403), unreadable (another failure: see `error`).
   */
  problems: z.array(z.enum(['no-admin-key', 'admin-key-length', 'no-configuration', 'forbidden', 'unreadable'])),
  error: errorPayloadSchema.nullable(),
});
export type CmCheckIssuanceProfile = z.infer<typeof cmCheckIssuanceProfileSchema>;

export const cmCheckIssuanceSchema = z.object({
  profiles: z.array(cmCheckIssuanceProfileSchema),
  /** Smart card templates beyond the check's limit, not asked about. */
  profilesNotChecked: z.number().int().nonnegative(),
  /**
   * The execution routes, probed with `GET requests/{id}/certificaterequestgenerationoptions` on an
   * Approved request: allowed (200/204), forbidden (403: the operator lacks Execute on the request),
   * unknown (another answer), not-checked (no Approved request to ask about).
   */
  executionRoutes: z.object({
    result: z.enum(['allowed', 'forbidden', 'unknown', 'not-checked']),
    requestUuid: z.string().nullable(),
    error: errorPayloadSchema.nullable(),
  }),
});
export type CmCheckIssuance = z.infer<typeof cmCheckIssuanceSchema>;

export const cmCheckReportSchema = z.object({
  /** The API root the station calls (after normalising a CM root). */
  target: z.string(),
  reachable: z.boolean(),
  /** false: every route answers IIS's 404 (Clm.WebApi.Enabled=false); null: not known. */
  apiEnabled: z.boolean().nullable(),
  auth: z.object({
    result: z.enum(['accepted', 'rejected', 'forbidden', 'unknown']),
    /** The schemes a 401 offered (WWW-Authenticate), e.g. ["Negotiate", "NTLM"]. */
    schemes: z.array(z.string()),
    /**
     * The scheme the station signed in with ("Negotiate"), "none" when CM asked for no sign-in, or
     * null when the transport does not say (the desktop app's Chromium stack).
     */
    scheme: z.string().nullable(),
  }),
  /** Time of the first answer (GET profiletemplates), ms; null when none came. */
  latencyMs: z.number().nonnegative().nullable(),
  /** What stopped the check, in the station's words (with CM's words in details). */
  problem: errorPayloadSchema.nullable(),
  requestTypes: z.array(cmCheckTypeSchema),
  requestStatuses: z.array(z.object({ raw: z.string(), count: z.number().int().nonnegative(), reading: z.string().nullable() })),
  /** Requests in CM's lists that could not be read and were left out of the counts. */
  skippedRequests: z.number().int().nonnegative().default(0),
  /** What IT could put in machine policy `requestTypeNumbers` once it has checked the names in CM. */
  suggestedRequestTypeNumbers: z.record(z.string(), z.string()),
  checkedAt: z.string(),
  /** Desk issuance; absent when the check stopped before it (or in a report made before it existed). */
  issuance: cmCheckIssuanceSchema.optional(),
});
export type CmCheckReport = z.infer<typeof cmCheckReportSchema>;
