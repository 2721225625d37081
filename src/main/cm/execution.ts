import { normalizeGuid } from '../../shared/cm';
import { StationError } from '../../shared/errors';
import { decodeBase64 } from '../common';
import { badInput, normalizeAtr, requireGuid } from './client-context';
import { malformedResponse, outcomeUnknownAnswer, type CmCallContext, type CmMethod } from './errors';
import {
  ADMIN_KEY_BYTES,
  type CmCertificateRequestOption,
  type CmExecutionClient,
  type CmIssuedCertificateAnswer,
  type CmSmartcardConfiguration,
  type ExecutionIds,
} from './execution-types';
import {
  wireCertificateDataSchema,
  wireGenerationOptionSchema,
  wireJsonStringSchema,
  wireSmartcardConfigSchema,
  type WireCertificate,
  type WireGenerationOption,
  type WireSmartcardConfig,
} from './execution-wire';
import { readCmBody } from './read-body';

/**
 * The CM routes that execute a request on a card (../shared/docs/desk-issuance.md, "The REST
 * flow"), over the CM client's classified exchange. Every route and parameter cites its page in
 * MicrosoftDocs/MIMDocs `MIMDocs/reference/`.
 */

/**
 * One classified HTTP exchange with CM: a 2xx comes back as it is; anything else is thrown as the
 * StationError the CM client gives it (errors.ts). GETs may be repeated by it, POST and PUT never.
 * `route` is the template the diagnostic log names (never the URL: it carries card ids).
 */
export type CmCall = (method: CmMethod, path: string, route: string, body?: unknown) => Promise<{ status: number; text: string }>;

export const EXECUTION_ROUTES = {
  configuration: 'GET /profiletemplates/{id}/configuration/smartcards',
  authenticationResponse: 'GET /requests/{id}/smartcards/{id}/authenticationresponse',
  diversifiedKey: 'GET /requests/{id}/smartcards/{id}/diversifiedkey',
  proposedPinOfRequest: 'GET /requests/{id}/smartcards/{id}/serverproposedpin',
  proposedPinOfCard: 'GET /smartcards/{id}/serverproposedpin',
  generationOptions: 'GET /requests/{id}/certificaterequestgenerationoptions',
  certificateData: 'POST /requests/{id}/certificatedata',
  requestStatus: 'PUT /requests/{id}',
} as const;

/** The 9B key's challenge: one DES block. */
const CHALLENGE_BYTES = 8;

const USER_PIN_OPTIONS = ['None', 'UserProvided', 'ServerDistributed', 'Randomized', 'CustomServerDistributed'] as const;

/**
 * Windows.Security.Cryptography.Certificates.EnrollKeyUsages, which the generation-options page
 * points to for its properties: None 0, Decryption 1, Signing 2, KeyAgreement 4, All 0xFFFFFF.
 */
const ENROLL_KEY_USAGES: Readonly<Record<string, number>> = { none: 0, decryption: 1, signing: 2, keyagreement: 4, all: 0xffffff };
/** get-certificate-request-generation-options.md: "KeyUsages ... The default value is Signing." */
const DEFAULT_KEY_USAGES = ENROLL_KEY_USAGES.signing ?? 2;

/**
 * CM derives the diversified key from the card id *text* (desk-issuance.md, "Facts that bite"), so
 * the execution routes must send it byte for byte as the bind did. The bind sends it normalised
 * (client.ts normalizeCardId: a lower-case GUID without braces, or lower-case hex): anything else
 * here means a caller kept another form, which is refused rather than silently re-cased.
 */
function requireBindFormCardId(value: string): string {
  const guid = normalizeGuid(value);
  if (guid !== null ? guid === value : /^(?:[0-9a-f]{2}){4,64}$/.test(value)) return value;
  throw badInput('The card id must be sent exactly as the bind sent it (lower-case GUID or hex).', 'cardId');
}

/** The ATR as the bind sends it (client-context.ts normalizeAtr); empty: not sent. */
function atrParam(atr: string): string | null {
  return atr.replace(/[\s:]+/g, '') === '' ? null : normalizeAtr(atr);
}

function query(params: Record<string, string | null>): string {
  const parts = Object.entries(params).flatMap(([k, v]) => (v === null ? [] : [`${k}=${encodeURIComponent(v)}`]));
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
}

/** A byte BLOB answer (a JSON string holding base64) of an exact length; never echoes the bytes. */
function blob(text: string, ctx: CmCallContext, status: number, length: number, what: string): Buffer {
  const bytes = decodeBase64(readCmBody(wireJsonStringSchema, text, ctx, status));
  if (bytes === null) throw malformedResponse(ctx, status, `the ${what} is not base64`);
  if (bytes.length !== length) throw malformedResponse(ctx, status, `the ${what} is ${bytes.length} bytes, not ${length}`);
  return bytes;
}

/** A documented 204 ("No content") where the station needs an answer: CM gave none. */
function noAnswer(ctx: CmCallContext, what: string): StationError {
  return malformedResponse(ctx, 204, `CM answered 204 (no content) where ${what} is needed`);
}

/** The SDK's UserPinOption names; its numbers are undocumented (the enum page lists names only), so a number stays unknown. */
function decodeUserPinOption(value: string | number | null | undefined): CmSmartcardConfiguration['userPinOption'] {
  if (value === null || value === undefined) return 'Unknown()';
  const text = String(value).trim();
  return USER_PIN_OPTIONS.find((name) => name.toLowerCase() === text.toLowerCase()) ?? `Unknown(${text})`;
}

const positiveOrNull = (n: number | null | undefined): number | null => (n === null || n === undefined || n <= 0 ? null : n);

export function toSmartcardConfiguration(wire: WireSmartcardConfig, ctx: CmCallContext, status: number): CmSmartcardConfiguration {
  const hex = (wire.defaultadminkeyhex ?? '').replace(/[\s:-]+/g, '');
  if (hex !== '' && !/^(?:[0-9a-fA-F]{2})+$/.test(hex)) throw malformedResponse(ctx, status, 'DefaultAdminKeyHex is not hex');
  const minimumPinLength = positiveOrNull(wire.userpinpolicy?.minlength);
  const maximumPinLength = positiveOrNull(wire.userpinpolicy?.maxlength);
  if (minimumPinLength !== null && maximumPinLength !== null && minimumPinLength > maximumPinLength) {
    throw malformedResponse(ctx, status, 'UserPinPolicy.MinLength is above MaxLength');
  }
  return {
    // The localised page's example has "" (a card initialised by an HSM provider): no key to start from.
    defaultAdminKey: hex === '' ? null : Buffer.from(hex, 'hex'),
    diversifyAdminKey: wire.diversifyadminkey,
    userPinOption: decodeUserPinOption(wire.userpinoption),
    minimumPinLength,
    maximumPinLength,
  };
}

function decodeKeyUsages(value: string | number | null | undefined, ctx: CmCallContext, status: number): number {
  if (value === null || value === undefined) return DEFAULT_KEY_USAGES;
  if (typeof value === 'number') return value;
  if (/^\s*\d+\s*$/.test(value)) return Number(value);
  // Json.NET's StringEnumConverter writes flags as "Decryption, Signing".
  let usages = 0;
  for (const name of value.split(',').map((s) => s.trim().toLowerCase())) {
    const bit = ENROLL_KEY_USAGES[name];
    if (bit === undefined) throw malformedResponse(ctx, status, `KeyUsages: unknown usage ${name.slice(0, 40)}`);
    usages |= bit;
  }
  return usages;
}

export function toRequestOption(wire: WireGenerationOption, ctx: CmCallContext, status: number): CmCertificateRequestOption {
  return {
    subject: wire.subject,
    keyAlgorithmName: wire.keyalgorithmname,
    keySize: wire.keysize,
    friendlyName: wire.friendlyname,
    hashAlgorithmName: wire.hashalgorithmname,
    exportable: wire.exportable,
    keyUsages: decodeKeyUsages(wire.keyusages, ctx, status),
  };
}

/** Base64 blobs kept without the line breaks CM puts in them; null when absent or empty. */
function blobText(value: string | null | undefined, field: string, ctx: CmCallContext, status: number): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  const bytes = decodeBase64(value);
  if (bytes === null) throw malformedResponse(ctx, status, `${field} is not base64`);
  return bytes.toString('base64');
}

function toIssuedCertificate(wire: WireCertificate, index: number, ctx: CmCallContext, status: number): CmIssuedCertificateAnswer {
  const pkcs7 = blobText(wire.pkcs7, `[${index}].Pkcs7`, ctx, status);
  const pfx = blobText(wire.pfx, `[${index}].Pfx`, ctx, status);
  // The walkthrough (step 27) reads isPkcs7 to know which blob to install: a flag without its blob is a broken answer.
  if (wire.ispkcs7 === true && pkcs7 === null) throw malformedResponse(ctx, status, `[${index}]: isPkcs7 without Pkcs7`);
  if (wire.ispfx === true && pfx === null) throw malformedResponse(ctx, status, `[${index}]: isPfx without Pfx`);
  return {
    templateCommonName: wire.templatecommonname ?? null,
    certificateId: wire.certificateid === null || wire.certificateid === undefined ? null : String(wire.certificateid),
    error: wire.error === null || wire.error === undefined || wire.error === '' ? null : wire.error,
    pkcs7,
    pfx,
    isServerGenerated: wire.isservergenerated ?? false,
    isKeyHistory: wire.iskeyhistory ?? false,
  };
}

/**
 * The body of `POST requests/{rid}/certificatedata`, read after the caller has kept it durably (CM
 * issues once and has no GET for it). A list of Certificate objects (get-certificate-responses.md),
 * or one object (sample-enrollment-walkthrough.md step 27). Throws CM_MALFORMED_RESPONSE.
 */
export function parseCertificateData(raw: string): CmIssuedCertificateAnswer[] {
  const ctx: CmCallContext = { method: 'POST', route: EXECUTION_ROUTES.certificateData };
  return readCmBody(wireCertificateDataSchema, raw, ctx, 200).map((w, i) => toIssuedCertificate(w, i, ctx, 200));
}

export interface CmExecutionClientOptions {
  call: CmCall;
}

export function createCmExecutionClient({ call }: CmExecutionClientOptions): CmExecutionClient {
  /** `requests/{rid}/smartcards/{scid}`: the prefix of the per-card execution routes (service details, SmartcardsController). */
  function cardPath(ids: ExecutionIds): string {
    const requestId = requireGuid(ids.requestId, 'requestId');
    const smartcardUuid = requireGuid(ids.smartcardUuid, 'smartcardUuid');
    return `requests/${encodeURIComponent(requestId)}/smartcards/${encodeURIComponent(smartcardUuid)}`;
  }

  async function getBlob(route: string, path: string, length: number, what: string): Promise<Buffer> {
    const ctx: CmCallContext = { method: 'GET', route };
    const answer = await call('GET', path, route);
    if (answer.status === 204) throw noAnswer(ctx, what);
    return blob(answer.text, ctx, answer.status, length, what);
  }

  return {
    async getSmartcardConfiguration(profileTemplateUuid) {
      const id = requireGuid(profileTemplateUuid, 'profileTemplateUuid');
      const route = EXECUTION_ROUTES.configuration;
      const ctx: CmCallContext = { method: 'GET', route };
      // sample-enrollment-walkthrough.md step 12; service details: SmartcardsConfigurationController.
      const answer = await call('GET', `profiletemplates/${encodeURIComponent(id)}/configuration/smartcards`, route);
      if (answer.status === 204) throw noAnswer(ctx, "the profile template's smart card configuration");
      return toSmartcardConfiguration(readCmBody(wireSmartcardConfigSchema, answer.text, ctx, answer.status), ctx, answer.status);
    },

    async getAuthenticationResponse(ids, challenge, diversified) {
      if (challenge.length !== CHALLENGE_BYTES) throw badInput(`The card's challenge must be ${CHALLENGE_BYTES} bytes.`, 'challenge');
      // get-smartcard-authentication-response.md: cardid and diversified required, atr optional, challenge
      // base64 (URL-encoded: its example sends `1hFD%2Bcz%2F0so%3D`). The walkthrough's step 19 hex example is wrong.
      const params = query({
        cardid: requireBindFormCardId(ids.cardId),
        challenge: challenge.toString('base64'),
        diversified: diversified ? 'true' : 'false',
        atr: atrParam(ids.atr),
      });
      // The answer is a "byte BLOB": a base64 JSON string ("F0Zudm4wPLY=" in the example), one 3DES block.
      return getBlob(EXECUTION_ROUTES.authenticationResponse, `${cardPath(ids)}/authenticationresponse${params}`, CHALLENGE_BYTES, 'authentication response');
    },

    async getDiversifiedKey(ids) {
      // get-smartcard-diversified-admin-key.md: cardid required, atr optional; the answer is a base64
      // JSON string, 24 bytes in the example ("mBVA+HopB/gc+6FuKsQqx+OX01hK1WQI"), written to the card as received.
      const params = query({ cardid: requireBindFormCardId(ids.cardId), atr: atrParam(ids.atr) });
      return getBlob(EXECUTION_ROUTES.diversifiedKey, `${cardPath(ids)}/diversifiedkey${params}`, ADMIN_KEY_BYTES, 'diversified admin key');
    },

    async getServerProposedPin(ids) {
      const params = query({ cardid: requireBindFormCardId(ids.cardId), atr: atrParam(ids.atr) });
      const smartcardUuid = requireGuid(ids.smartcardUuid, 'smartcardUuid');
      // The two pages disagree: the route table (certificate-management-rest-api-service-details.md,
      // SmartcardsController) has `requests/{requestid}/smartcards/{id}/serverproposedpin`;
      // get-smartcard-proposed-pin.md has `smartcards/{id}/serverproposedpin`. The table's is tried first,
      // the page's only when CM says the first does not exist (404); any other failure stands.
      const attempts = [
        { route: EXECUTION_ROUTES.proposedPinOfRequest, path: `${cardPath(ids)}/serverproposedpin${params}` },
        { route: EXECUTION_ROUTES.proposedPinOfCard, path: `smartcards/${encodeURIComponent(smartcardUuid)}/serverproposedpin${params}` },
      ];
      for (const [i, attempt] of attempts.entries()) {
        const ctx: CmCallContext = { method: 'GET', route: attempt.route };
        let answer: { status: number; text: string };
        try {
          answer = await call('GET', attempt.path, attempt.route);
        } catch (err) {
          if (i === 0 && err instanceof StationError && err.code === 'CM_NOT_FOUND') continue;
          throw err;
        }
        if (answer.status === 204) throw noAnswer(ctx, 'a proposed PIN');
        // "returns a string that represents the PIN": never put its value in an error.
        const pin = readCmBody(wireJsonStringSchema, answer.text, ctx, answer.status);
        if (pin === '') throw malformedResponse(ctx, answer.status, 'the proposed PIN is empty');
        return pin;
      }
      // Unreachable: the second attempt either returns or throws.
      throw new StationError('INTERNAL', 'No server-proposed PIN route answered.', {});
    },

    async getCertificateRequestGenerationOptions(requestId) {
      const id = requireGuid(requestId, 'requestId');
      const route = EXECUTION_ROUTES.generationOptions;
      const ctx: CmCallContext = { method: 'GET', route };
      const answer = await call('GET', `requests/${encodeURIComponent(id)}/certificaterequestgenerationoptions`, route);
      // 204 is documented: no certificate request for the client to generate.
      if (answer.status === 204) return [];
      return readCmBody(wireGenerationOptionSchema.array(), answer.text, ctx, answer.status).map((w) => toRequestOption(w, ctx, answer.status));
    },

    async postCertificateData(input) {
      const id = requireGuid(input.requestId, 'requestId');
      for (const [i, csr] of input.certificateRequests.entries()) {
        if (decodeBase64(csr) === null) throw badInput(`Certificate request ${i + 1} is not base64.`, 'certificateRequests');
      }
      const route = EXECUTION_ROUTES.certificateData;
      // get-certificate-responses.md: body {pfxpassword, certificaterequests, comments}; the walkthrough
      // (step 26) sends "pfxpassword":"" when the client expects no PFX.
      const body = { pfxpassword: input.pfxPassword ?? '', certificaterequests: input.certificateRequests, comments: input.comments };
      const answer = await call('POST', `requests/${encodeURIComponent(id)}/certificatedata`, route, body);
      // Only 200 is documented with a result; any other 2xx may have issued certificates we cannot see.
      if (answer.status !== 200) throw outcomeUnknownAnswer({ method: 'POST', route }, answer.status);
      return { raw: answer.text };
    },

    async setRequestStatus(requestId, status) {
      const id = requireGuid(requestId, 'requestId');
      // cancel-abandon-complete-request.md: PUT requests/{id} {"status":"Completed"|"Canceled"|"Abandoned"};
      // 200 carries the Request, 204 nothing. The caller proves the outcome with GET requests/{id}.
      await call('PUT', `requests/${encodeURIComponent(id)}`, EXECUTION_ROUTES.requestStatus, { status });
    },
  };
}
