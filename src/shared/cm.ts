import { z } from 'zod';
import { GUID_PATTERN, normalizeGuid } from './guid';

/**
 * MIM Certificate Management domain types, normalised from CM's wire JSON (PascalCase, enums as
 * numbers or names, empty GUIDs for "none") into JSON-safe shapes the renderer and the outbox use.
 * The number tables below are the only place CM's enum numbering lives; see cm-rest-api.md for
 * which numbers are documented and which are inferred from the reference examples.
 */

/** A GUID as the station handles it: lowercase, no braces. */
export const guidSchema = z.string().regex(GUID_PATTERN, 'lowercase GUID without braces');
export type Guid = z.infer<typeof guidSchema>;

/** CM writes this where a reference is unset (e.g. NewSmartcardUuid before a card is bound). */
export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

// Zod-free (the renderer's first screen uses it): guid.ts.
export { normalizeGuid };

/** An enum value CM sent that the station has no name for: shown, never fatal. */
export const unknownEnumSchema = z.templateLiteral(['Unknown(', z.string(), ')']);
export type UnknownEnum = z.infer<typeof unknownEnumSchema>;

export const REQUEST_STATUSES = ['None', 'Pending', 'Approved', 'Executing', 'Completed', 'Denied', 'Canceled', 'Failed'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
/** From the SDK's SQL API; consistent with the REST examples (3 approved, 8 completed). */
export const REQUEST_STATUS_NUMBERS: Readonly<Record<RequestStatus, number>> = {
  None: 0,
  Approved: 3,
  Denied: 4,
  Completed: 8,
  Failed: 9,
  Pending: 16,
  Canceled: 17,
  Executing: 18,
};

export const SMARTCARD_STATUSES = ['None', 'New', 'Assigned', 'Active', 'Suspended', 'Disabled', 'Retired'] as const;
export type SmartcardStatus = (typeof SMARTCARD_STATUSES)[number];
/** SDK declaration order; the examples confirm 2 Assigned, 3 Active and 6 Retired. */
export const SMARTCARD_STATUS_NUMBERS: Readonly<Record<SmartcardStatus, number>> = {
  None: 0,
  New: 1,
  Assigned: 2,
  Active: 3,
  Suspended: 4,
  Disabled: 5,
  Retired: 6,
};

/** The union of the request-type vocabularies used across the reference pages and the SDK. */
export const REQUEST_TYPES = [
  'None',
  'Enroll',
  'Duplicate',
  'Disable',
  'OfflineUnblock',
  'OnlineUpdate',
  'Renew',
  'Recover',
  'RecoverOnBehalf',
  'Reinstate',
  'Retire',
  'Revoke',
  'SuspendOrReinstate',
  'TemporaryCardEnroll',
  'TemporaryCardDisable',
  'TemporaryCardRetire',
  'Unblock',
] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];
/**
 * Only these numbers appear in Microsoft's examples. Other types are recognised by name only:
 * guessing their numbers would put a wrong label on a real server's requests.
 */
export const REQUEST_TYPE_NUMBERS: Readonly<Partial<Record<RequestType, number>>> = { Enroll: 1, Unblock: 5 };
/** Other pages' spellings of the same types. */
export const REQUEST_TYPE_ALIASES: Readonly<Record<string, RequestType>> = {
  TemporaryCards: 'TemporaryCardEnroll',
  TemporaryEnroll: 'TemporaryCardEnroll',
};

const requestStatusSchema = z.union([z.enum(REQUEST_STATUSES), unknownEnumSchema]);
const smartcardStatusSchema = z.union([z.enum(SMARTCARD_STATUSES), unknownEnumSchema]);
const requestTypeSchema = z.union([z.enum(REQUEST_TYPES), unknownEnumSchema]);

export const dataCollectionItemSchema = z.object({ name: z.string(), value: z.string().nullable() });
export type DataCollectionItem = z.infer<typeof dataCollectionItemSchema>;

export const cmRequestSchema = z.object({
  uuid: guidSchema,
  type: requestTypeSchema,
  status: requestStatusSchema,
  targetUserUuid: guidSchema.nullable(),
  /** CM's REST API has no user names; filled only when a directory lookup is configured. */
  targetUserDisplayName: z.string().nullable(),
  originatorUserUuid: guidSchema.nullable(),
  profileTemplateUuid: guidSchema.nullable(),
  /** Known when the template is among those CM lists for the signed-in operator. */
  profileTemplateName: z.string().nullable(),
  /** The card the request acts on or replaces; null when CM sent the empty GUID. */
  oldSmartcardUuid: guidSchema.nullable(),
  /** The card bound to the request; null until one is bound. */
  newSmartcardUuid: guidSchema.nullable(),
  submitted: z.string().nullable(),
  completed: z.string().nullable(),
  priority: z.number().int(),
  isSmartcard: z.boolean(),
  dataCollection: z.array(dataCollectionItemSchema),
  comment: z.string(),
});
export type CmRequest = z.infer<typeof cmRequestSchema>;

export const cmSmartcardSchema = z.object({
  uuid: guidSchema,
  status: smartcardStatusSchema,
  /** SerialNumber exactly as CM stores it, e.g. `{bc88f13f-...}` for a minidriver card. */
  serialNumber: z.string(),
  /** The physical card id the card was bound with: braces stripped, lowercase. */
  cardId: z.string(),
  /** As CM stored it: lowercase hex when it is hex, else CM's text as it came (never a reason to drop the card). */
  atr: z.string().max(200),
  assignedUserUuid: guidSchema.nullable(),
  profileTemplateUuid: guidSchema.nullable(),
  profileTemplateVersion: z.number().int().nullable(),
  parentSmartcardUuid: guidSchema.nullable(),
  primarySmartcardUuid: guidSchema.nullable(),
  permanentSmartcardUuid: guidSchema.nullable(),
  middleware: z.string(),
  comment: z.string(),
});
export type CmSmartcard = z.infer<typeof cmSmartcardSchema>;

export const cmProfileTemplateSchema = z.object({
  uuid: guidSchema,
  name: z.string(),
  description: z.string(),
  isSmartcard: z.boolean(),
  isVirtualSmartcard: z.boolean(),
});
export type CmProfileTemplate = z.infer<typeof cmProfileTemplateSchema>;
