import { z } from 'zod';
import { ROUTE_IDS, type RouteId } from './routes';

/** The ways a real CM deployment misbehaves that the station must survive, on demand. */
export const simFaultSchema = z.discriminatedUnion('kind', [
  /** Answer normally, but this much later. */
  z.object({ kind: z.literal('latency'), ms: z.number().int().min(0).max(600_000) }),
  /** 500 with a correlation id in the message, as CM reports unhandled exceptions. */
  z.object({ kind: z.literal('server-error') }),
  /** 401 with `WWW-Authenticate: Negotiate`, as IIS answers when Windows sign-in fails. */
  z.object({ kind: z.literal('unauthorized') }),
  /** 403 from CM: the caller lacks the permission. */
  z.object({ kind: z.literal('forbidden') }),
  /** `Clm.WebApi.Enabled=false`: every route answers an HTML 404. */
  z.object({ kind: z.literal('api-disabled') }),
  /** TCP reset after the request arrived. */
  z.object({ kind: z.literal('connection-reset') }),
  /** The request is read and never answered. */
  z.object({ kind: z.literal('no-answer') }),
  /** 200 with a body that is not JSON. */
  z.object({ kind: z.literal('malformed-json') }),
  /**
   * A refusal with this status and body. 400/409/415 exist only here (the reference pages list
   * none of them). `body`: `{"Message": text}` (default), the bare text, or an IIS-style HTML page,
   * so tests can use message shapes beyond the docs (localised, without a GUID, HTML).
   */
  z.object({
    kind: z.literal('refusal'),
    status: z.union([z.literal(400), z.literal(404), z.literal(409), z.literal(415), z.literal(500)]),
    message: z.string().max(5000),
    body: z.enum(['json', 'text', 'html']).optional(),
  }),
  /** 204 where a result is documented (a bind with no URI, a retire with no card). */
  z.object({ kind: z.literal('no-content') }),
  /**
   * `certificatedata` answers, but wrongly (desk issuance, issue 16 item 9): one certificate fewer or
   * more than asked, the first for a key the card does not hold, or the first `Pkcs7` not a CMS. CM
   * has issued (the request's certificates are spent). Other routes answer normally.
   */
  z.object({ kind: z.literal('tamper-certificates'), how: z.enum(['fewer', 'more', 'foreign-key', 'invalid-pkcs7']) }),
  /** A redirect, as IIS sends for a wrong path or a sign-in page. */
  z.object({ kind: z.literal('redirect'), status: z.union([z.literal(301), z.literal(302), z.literal(307)]), location: z.string().max(500) }),
]);
export type SimFault = z.infer<typeof simFaultSchema>;

export const faultRuleSchema = z.object({
  fault: simFaultSchema,
  /** Only this route; every API call when absent. */
  route: z.enum(ROUTE_IDS).optional(),
  /** Applies to this many matching calls, then disappears; forever when absent. */
  times: z.number().int().positive().optional(),
  /**
   * `before` (default): the fault replaces the call, CM does nothing. `after`: CM carries the call
   * out (and saves it), then the fault replaces the answer: a bind whose outcome the station cannot see.
   */
  when: z.enum(['before', 'after']).optional(),
});
export type FaultRule = z.infer<typeof faultRuleSchema>;

export interface FaultPlan {
  latencyMs: number;
  fault: Exclude<SimFault, { kind: 'latency' }> | null;
  when: 'before' | 'after';
}

/** The active rules. Each call takes what applies to it; counted rules are used up. */
export class FaultBook {
  private rules: FaultRule[] = [];

  set(rules: readonly FaultRule[]): void {
    this.rules = rules.map((rule) => ({ ...rule }));
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** Latency adds up across matching rules; of the other faults the first matching rule wins. */
  take(route: RouteId | null): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0, fault: null, when: 'before' };
    const used: FaultRule[] = [];
    for (const rule of this.rules) {
      if (rule.route !== undefined && rule.route !== route) continue;
      if (rule.fault.kind === 'latency') {
        plan.latencyMs += rule.fault.ms;
      } else if (plan.fault === null) {
        plan.fault = rule.fault;
        plan.when = rule.when ?? 'before';
      } else {
        continue;
      }
      used.push(rule);
    }
    this.rules = this.rules.flatMap((rule) => {
      if (!used.includes(rule) || rule.times === undefined) return [rule];
      return rule.times > 1 ? [{ ...rule, times: rule.times - 1 }] : [];
    });
    return plan;
  }
}
