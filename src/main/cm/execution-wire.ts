import { z } from 'zod';

/**
 * CM's raw JSON for the execution routes (desk issuance), as the reference pages show it. Tolerant
 * like wire-schemas.ts: property names in any case (Json.NET writes PascalCase, but the
 * certificatedata example mixes `IsExternal` with `isPfx`), enums as numbers or names, booleans as
 * booleans or 0/1 (the generation-options example has `"Exportable":0`), nullable fields. Strict
 * only where a wrong value would put a wrong key on a card.
 */

/** Property names lower-cased, so `isPkcs7`, `IsPkcs7` and `ISPKCS7` read alike (ASP.NET does the same). */
function lowerKeys(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
}

const looseObject = <T extends z.ZodRawShape>(shape: T) => z.preprocess(lowerKeys, z.object(shape));

const wireBool = z
  .union([z.boolean(), z.literal(0), z.literal(1), z.enum(['true', 'false', 'True', 'False'])])
  .transform((v) => v === true || v === 1 || String(v).toLowerCase() === 'true');
const wireText = z
  .string()
  .nullish()
  .transform((s) => s ?? '');
const wireInt = z.union([z.number().int(), z.string().regex(/^\s*-?\d+\s*$/)]).transform(Number);
const wireEnum = z.union([z.number().int(), z.string()]);

/**
 * SmartcardConfig (`GET profiletemplates/{id}/configuration/smartcards`). Property names: FIM CM
 * SDK "SmartcardConfig Members" (learn.microsoft.com bb468161) and the sample response of the
 * localised MIMDocs page `get-smartcard-policy.md` (MIMDocs.es-es; the English page of that name
 * now describes the workflow policy): `"UserPinOption":3`, `"UserPinPolicy":{"MinLength":10,
 * "MaxLength":10,...}`, `"DefaultAdminKeyHex":""`, `"DiversifyAdminKey":true`.
 */
export const wireSmartcardConfigSchema = looseObject({
  defaultadminkeyhex: z.string().nullish(),
  /** Required: guessing whether CM diversifies would leave a card with a key CM does not know. */
  diversifyadminkey: wireBool,
  userpinoption: wireEnum.nullish(),
  userpinpolicy: looseObject({ minlength: wireInt.nullish(), maxlength: wireInt.nullish() }).nullish(),
});
export type WireSmartcardConfig = z.output<typeof wireSmartcardConfigSchema>;

/**
 * One CertificateRequestGenerationOptions (get-certificate-request-generation-options.md). The
 * page: "KeyUsages ... The default value is Signing".
 */
export const wireGenerationOptionSchema = looseObject({
  subject: wireText,
  keyalgorithmname: z.string().min(1),
  keysize: wireInt.pipe(z.number().int().positive()),
  friendlyname: wireText,
  hashalgorithmname: wireText,
  keystorageprovidernames: z.array(z.string()).nullish(),
  exportable: wireBool.nullish().transform((b) => b ?? false),
  keyprotectionlevel: wireEnum.nullish(),
  keyusages: wireEnum.nullish(),
});
export type WireGenerationOption = z.output<typeof wireGenerationOptionSchema>;

/**
 * One Microsoft.Clm.Shared.Certificates.Certificate (get-certificate-responses.md, the page of
 * `POST requests/{id}/certificatedata`). `CertificateId` is a number in the example.
 */
export const wireCertificateSchema = looseObject({
  templatecommonname: z.string().nullish(),
  certificateid: z.union([z.string(), z.number()]).nullish(),
  flags: z.number().int().nullish(),
  error: z.string().nullish(),
  pkcs7: z.string().nullish(),
  pfx: z.string().nullish(),
  isexternal: wireBool.nullish(),
  isservergenerated: wireBool.nullish(),
  ispfx: wireBool.nullish(),
  ispkcs7: wireBool.nullish(),
  iskeyhistory: wireBool.nullish(),
});
export type WireCertificate = z.output<typeof wireCertificateSchema>;

/**
 * The page says "a list"; the sample enrollment walkthrough (step 27) says "a single,
 * JSON-serialized Microsoft.Clm.Shared.Certificate object": both are read as a list.
 */
export const wireCertificateDataSchema = z.union([z.array(wireCertificateSchema), wireCertificateSchema.transform((one) => [one])]);

/** The byte BLOBs (`authenticationresponse`, `diversifiedkey`) and the proposed PIN: a JSON string. */
export const wireJsonStringSchema = z.string();
