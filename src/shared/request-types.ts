import { z } from 'zod';
import { REQUEST_TYPES, type RequestType } from './cm';
import { DOCUMENTED_REQUEST_TYPE_NUMBERS } from './request-type-rules';

// What each request type means (the table and the pure functions that read it) is zod-free in
// request-type-rules.ts, for the renderer's first screen; re-exported here unchanged.
export {
  bindabilityOf,
  cardToRetire,
  DOCUMENTED_REQUEST_TYPE_NUMBERS,
  LIKELY_REQUEST_TYPE_NUMBERS,
  NEVER_BOUND_TYPE_NUMBERS,
  readRequestType,
  REQUEST_TYPE_RULES,
  requestTypeLabel,
  type Bindability,
  type BindableType,
  type OldCardFate,
  type RequestTypeReading,
  type RequestTypeRule,
} from './request-type-rules';

const NAMED_TYPES = REQUEST_TYPES.filter((t) => t !== 'None') as [Exclude<RequestType, 'None'>, ...Exclude<RequestType, 'None'>[]];

/**
 * Machine policy `requestTypeNumbers`: numbers IT has confirmed on its own CM, e.g. `{"2": "Recover"}`.
 * The documented numbers 1 and 5 cannot be given another meaning.
 */
export const requestTypeNumbersSchema = z
  .record(z.string().regex(/^[0-9]{1,4}$/, 'keys must be request type numbers such as "2"'), z.enum(NAMED_TYPES))
  .superRefine((map, ctx) => {
    for (const [key, name] of Object.entries(map)) {
      const documented = DOCUMENTED_REQUEST_TYPE_NUMBERS[Number(key)];
      if (documented !== undefined && documented !== name) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} is documented by Microsoft as ${documented}` });
      }
    }
  });
export type RequestTypeNumbers = z.infer<typeof requestTypeNumbersSchema>;

/**
 * Machine policy `retireRoute`: which request id the retire PUT takes, since the docs do not say
 * (cm-rest-api.md, "Retiring"). `retire-request` (default, every step documented): a Retire request
 * is created for the card (`POST /requests`, create-request.md), approved in CM if its policy wants
 * that, then `PUT /requests/{retire request}/smartcards/{scid}`. `replacing-request`: the PUT under
 * the request that replaced the card (an inference from update-smartcard-status.md's example).
 */
export const RETIRE_ROUTES = ['retire-request', 'replacing-request'] as const;
export const retireRouteSchema = z.enum(RETIRE_ROUTES);
export type RetireRoute = z.infer<typeof retireRouteSchema>;

/** Machine policy `retireReplacedCard`: when the card a new one replaces is retired. */
export const RETIRE_REPLACED_CARD = ['when-new-card-active', 'after-bind', 'never'] as const;
export const retireReplacedCardSchema = z.enum(RETIRE_REPLACED_CARD);
export type RetireReplacedCard = z.infer<typeof retireReplacedCardSchema>;
