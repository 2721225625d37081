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
});
export type CmCheckReport = z.infer<typeof cmCheckReportSchema>;
