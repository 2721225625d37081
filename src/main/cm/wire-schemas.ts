import { z } from 'zod';
import { EMPTY_GUID, normalizeGuid } from '../../shared/cm';

/**
 * CM's raw JSON as the reference pages show it (PascalCase, Json.NET defaults). Tolerant on
 * purpose: unknown fields are dropped, enums may be numbers or names, optional fields may be
 * missing or null, GUIDs may carry braces or upper case. Only what the station cannot do without
 * (an object's Uuid, a request's type and status) is required.
 */

const wireGuid = z.string().transform((value, ctx) => {
  const guid = normalizeGuid(value);
  if (guid === null) {
    ctx.addIssue({ code: 'custom', message: `not a GUID: ${value.slice(0, 60)}` });
    return z.NEVER;
  }
  return guid;
});

/** A reference to another object: missing, null and the empty GUID all mean "none". */
const wireRef = wireGuid.nullish().transform((guid) => (guid === undefined || guid === null || guid === EMPTY_GUID ? null : guid));

export const wireEnumSchema = z.union([z.number().int(), z.string()]);
export type WireEnum = z.infer<typeof wireEnumSchema>;

const wireText = z
  .string()
  .nullish()
  .transform((s) => s ?? '');

const dataCollectionItem = z.object({
  Name: z.string(),
  Value: z
    .union([z.string(), z.number(), z.boolean()])
    .nullish()
    .transform((v) => (v === undefined || v === null ? null : String(v))),
});

/** The docs show DataCollection both as an array and as a JSON-encoded string ("[]"). */
const wireDataCollection = z
  .union([z.array(dataCollectionItem), z.string()])
  .nullish()
  .transform((value, ctx) => {
    if (value === undefined || value === null || value === '') return [];
    if (Array.isArray(value)) return value;
    let decoded: unknown;
    try {
      decoded = JSON.parse(value);
    } catch {
      // Reported as a schema issue: the caller turns it into CM_MALFORMED_RESPONSE.
      ctx.addIssue({ code: 'custom', message: 'DataCollection string is not JSON' });
      return z.NEVER;
    }
    const items = z.array(dataCollectionItem).safeParse(decoded);
    if (!items.success) {
      ctx.addIssue({ code: 'custom', message: 'DataCollection string is not a list of {Name, Value}' });
      return z.NEVER;
    }
    return items.data;
  });

/** "0001-01-01T00:00:00" is .NET's DateTime.MinValue: CM's way of saying "not yet". */
const wireDate = z
  .string()
  .nullish()
  .transform((s) => (s === undefined || s === null || s === '' || s.startsWith('0001-01-01') ? null : s));

export const wireRequestSchema = z.object({
  Uuid: wireGuid,
  RequestType: wireEnumSchema,
  Status: wireEnumSchema,
  DataCollection: wireDataCollection,
  OriginatorUserUuid: wireRef,
  TargetUserUuid: wireRef,
  Submitted: wireDate,
  Completed: wireDate,
  NewSmartcardUuid: wireRef,
  OldSmartcardUuid: wireRef,
  Priority: z
    .number()
    .int()
    .nullish()
    .transform((n) => n ?? 0),
  Comment: wireText,
  ProfileTemplateUuid: wireRef,
  IsSmartcard: z
    .boolean()
    .nullish()
    .transform((b) => b ?? true),
});
export type WireRequest = z.output<typeof wireRequestSchema>;

export const wireSmartcardSchema = z.object({
  Uuid: wireGuid,
  Status: wireEnumSchema,
  ParentSmartcardUuid: wireRef,
  PrimarySmartcardUuid: wireRef,
  PermanentSmartcardUuid: wireRef,
  AssignedUserUuid: wireRef,
  ProfileTemplateUuid: wireRef,
  ProfileTemplateVersion: z
    .number()
    .int()
    .nullish()
    .transform((n) => n ?? null),
  Comment: wireText,
  SerialNumber: wireText,
  Middleware: wireText,
  /**
   * Stored as the binder sent it; normalised so it compares with what the reader reports. An ATR
   * that is not hex is kept as CM's text (bounded): one odd field must not make the card unreadable
   * (issue #17, part 10).
   */
  Atr: z
    .string()
    .nullish()
    .transform((s) => {
      const hex = (s ?? '').replace(/[\s:]+/g, '').toLowerCase();
      return /^(?:[0-9a-f]{2})*$/.test(hex) ? hex : (s ?? '').trim().slice(0, 200);
    }),
});
export type WireSmartcard = z.output<typeof wireSmartcardSchema>;

export const wireProfileTemplateSchema = z.object({
  Uuid: wireGuid,
  Name: wireText,
  Description: wireText,
  IsSmartcardProfileTemplate: z
    .boolean()
    .nullish()
    .transform((b) => b ?? false),
  IsVirtualSmartcardProfileTemplate: z
    .boolean()
    .nullish()
    .transform((b) => b ?? false),
});
export type WireProfileTemplate = z.output<typeof wireProfileTemplateSchema>;

/** `GET /smartcards?cardid=` answers one object in the examples; a list is accepted too. */
export const wireSmartcardLookupSchema = z.union([wireSmartcardSchema, z.array(wireSmartcardSchema)]);

export const wireOperationsSchema = z.array(z.string());

/**
 * 201 body of `POST /smartcards`: a JSON string holding a relative URI,
 * `"api/v1.0/smartcards/<uuid>"`. The Uuid is the last path segment.
 */
export const wireCreatedSmartcardSchema = z.string().transform((uri, ctx) => {
  const match = /(?:^|\/)smartcards\/([^/?#]+)\/?(?:[?#].*)?$/i.exec(uri.trim());
  const guid = match?.[1] === undefined ? null : normalizeGuid(decodeURIComponent(match[1]));
  if (guid === null) {
    ctx.addIssue({ code: 'custom', message: '201 body is not a smartcards/<uuid> URI' });
    return z.NEVER;
  }
  return guid;
});

/**
 * 201 body of `POST /requests` (MIMDocs/reference/create-request.md: "returns the URI for the newly
 * created request", e.g. `"api/v1.0/requests/0c96d73f-967b-420e-854a-43ad2a1504bc"`).
 */
export const wireCreatedRequestSchema = z.string().transform((uri, ctx) => {
  const match = /(?:^|\/)requests\/([^/?#]+)\/?(?:[?#].*)?$/i.exec(uri.trim());
  const guid = match?.[1] === undefined ? null : normalizeGuid(decodeURIComponent(match[1]));
  if (guid === null) {
    ctx.addIssue({ code: 'custom', message: '201 body is not a requests/<uuid> URI' });
    return z.NEVER;
  }
  return guid;
});

/** Web API's error shape (inferred from ASP.NET Web API defaults): `{"Message": "..."}`. */
export const wireErrorSchema = z.object({ Message: z.string() });
