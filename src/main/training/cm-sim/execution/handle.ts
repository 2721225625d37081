import { createHmac, createPublicKey, generateKeyPair, webcrypto } from 'node:crypto';
import { promisify } from 'node:util';
import * as x509 from './x509';
import type { ApiAnswer } from '../api';
import { CARD_STATUS, CREATED_REQUEST_TYPE, REQUEST_STATUS_BY_NAME } from '../documented-numbers';
import { findRequest, findSmartcard, normalizeGuid, type SimArchivedKey, type SimRequest, type SimSmartcard, type SimState } from '../state';
import { diversifiedAdminKey, tripleDesEcb } from './admin-key';
import { openSimCa, type SimCa } from './ca';
import { cmcFullPkiResponse } from './cmc';
import { writePfx } from './pfx-writer';
import { proposesPin, type SimExecutionProfile } from './profiles';
import type { ExecutionRouteId } from './route-ids';

/**
 * CM's execution routes over the simulated directory, written from the reference pages (each cited
 * where it is used), never from the station's client. Refusals are 500 with a `Message`, as CM turns
 * its exceptions into (certificate-management-rest-api-service-details.md, "Error handling").
 * Where the pages are silent the simulator is strict on purpose and says so ("[sim]").
 */

export interface ExecutionCall {
  route: ExecutionRouteId;
  params: string[];
  query: URLSearchParams;
  contentType: string | null;
  body: string;
}

export interface ExecutionResult {
  answer: ApiAnswer;
  /** The change to apply to the directory as it is when the answer is ready (other calls may have run meanwhile). */
  update?: (state: SimState) => SimState;
}

/** How a fault rule spoils a `certificatedata` answer (faults.ts `tamper-certificates`); CM still issued. */
export type CertificateTamper = 'fewer' | 'more' | 'foreign-key' | 'invalid-pkcs7';

export interface SimExecution {
  handle(state: SimState, call: ExecutionCall, tamper: CertificateTamper | null): Promise<ExecutionResult>;
  /**
   * True once a client has begun executing the request bound to this card (an execution route
   * answered for it): training's stand-in activation (server.ts activateAfterMs) then leaves it alone.
   */
  executing(smartcardUuid: string): boolean;
  /** The throw-away CA's certificates (DER), made on first use. */
  caCertificates(): Promise<{ root: Buffer; issuing: Buffer }>;
}

export interface SimExecutionOptions {
  /** Where the CA is kept (the simulator's data folder); null: in memory for this run. */
  caDir: string | null;
  profiles: SimExecutionProfile[];
  now?: () => Date;
}

const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';
function requestStatus(name: string): number {
  const number = REQUEST_STATUS_BY_NAME[name];
  if (number === undefined) throw new Error(`documented-numbers.ts has no request status ${name}`);
  return number;
}
const APPROVED = requestStatus('approved');
const EXECUTING = requestStatus('executing');
const PENDING = requestStatus('pending');
const COMPLETED = requestStatus('completed');
const CANCELED = requestStatus('canceled');
const FAILED = requestStatus('failed');
/** The SDK's precondition for executing (and abandoning: RequestOperations.Abandon, bb456810): Approved or Executing. */
const isExecutable = (r: SimRequest) => r.Status === APPROVED || r.Status === EXECUTING;

const refuse = (text: string): ExecutionResult => ({ answer: { status: 500, json: { Message: `An error has occurred. ${text}` } } });
const ok = (json: unknown): ExecutionResult => ({ answer: { status: 200, json } });
const noContent: ExecutionResult = { answer: { status: 204 } };

/** ASP.NET reads query keys case-insensitively. */
function queryValue(query: URLSearchParams, key: string): string | null {
  for (const [k, v] of query) if (k.toLowerCase() === key) return v;
  return null;
}

/** The body's fields by lower-case name (ASP.NET binds JSON property names case-insensitively); null when not a JSON object. */
function jsonFields(call: ExecutionCall): Record<string, unknown> | null {
  if ((call.contentType?.split(';')[0]?.trim().toLowerCase() ?? '') !== 'application/json') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(call.body);
  } catch {
    // Answered as CM would: a refusal naming the body.
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k.toLowerCase(), v]));
}

function decodeBase64(text: string): Buffer | null {
  const compact = text.replace(/\s+/g, '');
  if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return null;
  return Buffer.from(compact, 'base64');
}

/** Base64 wrapped at 64 characters with CRLF, as the certificatedata example sends its `Pkcs7`. */
const wrappedBase64 = (der: Buffer) =>
  `${der
    .toString('base64')
    .replace(/(.{64})/g, '$1\r\n')
    .replace(/\r\n$/, '')}\r\n`;

/**
 * One Certificate object of a `certificatedata` answer, with the fields of get-certificate-responses.md's
 * example in its order: a CMC response in `Pkcs7`, or a key and its certificate in `Pfx`.
 */
function certificateObject(entry: { template: string; pkcs7?: string; pfx?: string; serverGenerated?: boolean; keyHistory?: boolean }) {
  return {
    TemplateCommonName: entry.template,
    CertificateId: 0,
    Flags: 65536,
    UseLocalMachineStore: false,
    Error: null,
    Pkcs7: entry.pkcs7 ?? null,
    Pfx: entry.pfx ?? null,
    IsExternal: false,
    isServerGenerated: entry.serverGenerated ?? false,
    isPfx: entry.pfx !== undefined,
    isPkcs7: entry.pkcs7 !== undefined,
    isKeyHistory: entry.keyHistory ?? false,
  };
}

/** One archive entry, before and after its key material is made. */
const sameArchivedKey = (a: SimArchivedKey, b: SimArchivedKey) =>
  a.UserUuid === b.UserUuid && a.ProfileTemplateUuid === b.ProfileTemplateUuid && a.RequestUuid === b.RequestUuid && a.Archived === b.Archived;

const bareCardId = (serialNumber: string) => serialNumber.trim().replace(/^\{(.*)\}$/, '$1');

type Bound = { ok: true; request: SimRequest; card: SimSmartcard; profile: SimExecutionProfile | undefined } | { ok: false; refusal: ExecutionResult };

export function createSimExecution(options: SimExecutionOptions): SimExecution {
  const now = options.now ?? (() => new Date());
  const profileOf = (templateUuid: string) => options.profiles.find((p) => normalizeGuid(p.profileTemplateUuid) === templateUuid);
  /** In memory only: after a restart the station's next call marks the card again. */
  const executingCards = new Set<string>();
  let ca: Promise<SimCa> | null = null;
  function getCa(): Promise<SimCa> {
    ca ??= openSimCa(options.caDir).catch((err: unknown) => {
      // The next call tries again (a full disk may have been freed).
      ca = null;
      throw err;
    });
    return ca;
  }

  /**
   * The request is Approved or Executing and `scid` is the card bound to it (assign-smartcard-to-request.md:
   * "the request can only be executed with the specified card"); `cardid`, when the route takes it, is
   * that card's id exactly as the bind sent it ([sim] CM's own comparison is undocumented; byte-exact is
   * the safe reading, since the diversified key depends on that text).
   */
  function boundCard(
    state: SimState,
    requestParam: string | undefined,
    cardParam: string | undefined,
    cardIdText: string | null,
    cardIdRequired: boolean,
  ): Bound {
    const requestId = normalizeGuid(requestParam ?? '');
    const smartcardUuid = normalizeGuid(cardParam ?? '');
    if (requestId === null || smartcardUuid === null) return { ok: false, refusal: refuse('The ids are not GUIDs.') };
    const request = findRequest(state, requestId);
    if (request === undefined) return { ok: false, refusal: refuse(`Request ${requestId} was not found.`) };
    if (!isExecutable(request)) return { ok: false, refusal: refuse(`Request ${requestId} is not in a state that allows it to be executed.`) };
    if (request.NewSmartcardUuid === EMPTY_GUID || request.NewSmartcardUuid !== smartcardUuid) {
      return { ok: false, refusal: refuse(`Smart card ${smartcardUuid} is not the smart card assigned to request ${requestId}.`) };
    }
    const card = findSmartcard(state, smartcardUuid);
    if (card?.Status !== CARD_STATUS.assigned) return { ok: false, refusal: refuse(`Smart card ${smartcardUuid} is not waiting to be issued.`) };
    if (cardIdText === null ? cardIdRequired : cardIdText !== bareCardId(card.SerialNumber)) {
      return { ok: false, refusal: refuse(`The card id does not match smart card ${smartcardUuid}.`) };
    }
    executingCards.add(card.Uuid);
    return { ok: true, request, card, profile: profileOf(request.ProfileTemplateUuid) };
  }

  /** `authenticationresponse`: 3DES-ECB(the key CM believes the card has, challenge). */
  function authenticationResponse(state: SimState, call: ExecutionCall): ExecutionResult {
    const cardId = queryValue(call.query, 'cardid');
    const bound = boundCard(state, call.params[0], call.params[1], cardId, true);
    if (!bound.ok) return bound.refusal;
    // The page: challenge "A base-64 encoded string"; diversified "A Boolean flag" (both required).
    const challenge = decodeBase64(queryValue(call.query, 'challenge') ?? '');
    if (challenge?.length !== 8) return refuse('The challenge must be 8 bytes, base64 encoded.');
    const diversified = (queryValue(call.query, 'diversified') ?? '').toLowerCase();
    if (diversified !== 'true' && diversified !== 'false') return refuse('diversified must be true or false.');
    let key: Buffer;
    if (diversified === 'true') key = diversifiedAdminKey(cardId ?? '');
    else {
      const hex = bound.profile?.configuration.DefaultAdminKeyHex ?? '';
      if (!/^[0-9a-fA-F]{48}$/.test(hex)) return refuse('The profile template has no default admin key for this card.');
      key = Buffer.from(hex, 'hex');
    }
    return ok(tripleDesEcb(key, challenge).toString('base64'));
  }

  function diversifiedKey(state: SimState, call: ExecutionCall): ExecutionResult {
    const cardId = queryValue(call.query, 'cardid');
    const bound = boundCard(state, call.params[0], call.params[1], cardId, true);
    if (!bound.ok) return bound.refusal;
    // The page: "The admin key should be diversified only when the profile template policy indicates that it should be."
    if (bound.profile?.configuration.DiversifyAdminKey !== true) return refuse('The profile template does not diversify the admin key.');
    return ok(diversifiedAdminKey(cardId ?? '').toString('base64'));
  }

  /**
   * `serverproposedpin`, on both paths the pages give. The PIN is derived from the request, so asking
   * again gives the same PIN (ServerDistributed: "The server will create and store a random user PIN").
   */
  function serverProposedPin(state: SimState, call: ExecutionCall): ExecutionResult {
    let requestParam = call.params[0];
    let cardParam = call.params[1];
    if (call.route === 'GET /smartcards/{id}/serverproposedpin') {
      cardParam = call.params[0];
      requestParam = state.requests.find((r) => r.NewSmartcardUuid === normalizeGuid(cardParam ?? ''))?.Uuid ?? EMPTY_GUID;
    }
    const bound = boundCard(state, requestParam, cardParam, queryValue(call.query, 'cardid'), false);
    if (!bound.ok) return bound.refusal;
    // get-smartcard-proposed-pin.md: "The server only sets the PIN if the profile template policy indicates that it should be done."
    if (bound.profile === undefined || !proposesPin(bound.profile)) return refuse('The profile template does not propose a user PIN.');
    const length = Math.max(6, Math.min(8, bound.profile.configuration.UserPinPolicy.MaxLength));
    const mac = createHmac('sha256', 'enrollment-station/cm-sim/proposed-pin (training only)').update(bound.request.Uuid).digest();
    return ok([...mac.subarray(0, length)].map((b) => String(b % 10)).join(''));
  }

  function configuration(call: ExecutionCall): ExecutionResult {
    const templateUuid = normalizeGuid(call.params[0] ?? '');
    if (templateUuid === null) return refuse('The id is not a GUID.');
    const profile = profileOf(templateUuid);
    // 204 is a documented answer: no smart card configuration for this template.
    return profile === undefined ? noContent : ok(profile.configuration);
  }

  function generationOptions(state: SimState, call: ExecutionCall): ExecutionResult {
    const requestId = normalizeGuid(call.params[0] ?? '');
    if (requestId === null) return refuse('The id is not a GUID.');
    const request = findRequest(state, requestId);
    if (request === undefined) return refuse(`Request ${requestId} was not found.`);
    const options = profileOf(request.ProfileTemplateUuid)?.generationOptions ?? [];
    return options.length === 0 ? noContent : ok(options);
  }

  /** The person the certificate is for, from the training directory (CM takes it from AD). */
  function subjectOf(state: SimState, request: SimRequest): { subject: x509.JsonName; upn: string | null } {
    const user = state.users.find((u) => u.Uuid === request.TargetUserUuid);
    if (user === undefined) return { subject: [{ CN: [request.TargetUserUuid] }], upn: null };
    // [sim] UPN invented from the account name: CONTOSO\alice -> alice@contoso.com.
    const [domain, account] = user.AccountName.includes('\\') ? user.AccountName.split('\\') : ['contoso', user.AccountName];
    return { subject: [{ O: ['Enrollment Station Training'] }, { CN: [user.DisplayName] }], upn: `${account ?? ''}@${(domain ?? '').toLowerCase()}.com` };
  }

  /** A PKCS#10 whose signature verifies, with the key the option asks for; null means it is refused. */
  async function readCsr(text: unknown, option: SimExecutionProfile['generationOptions'][number]): Promise<x509.Pkcs10CertificateRequest | string> {
    const der = typeof text === 'string' ? decodeBase64(text) : null;
    if (der === null) return 'is not base64';
    let csr: x509.Pkcs10CertificateRequest;
    try {
      csr = new x509.Pkcs10CertificateRequest(der);
    } catch {
      // A refusal, as CM's parser would raise.
      return 'is not a PKCS#10 request';
    }
    let verified: boolean;
    try {
      verified = await csr.verify();
    } catch {
      // An algorithm WebCrypto cannot check is no valid signature either.
      verified = false;
    }
    if (!verified) return 'has an invalid signature';
    const key = createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: 'der', type: 'spki' });
    const wanted = option.KeyAlgorithmName.toUpperCase();
    if (wanted === 'RSA' && (key.asymmetricKeyType !== 'rsa' || key.asymmetricKeyDetails?.modulusLength !== option.KeySize)) {
      return `is not an RSA-${option.KeySize} key`;
    }
    if (wanted.startsWith('EC') && key.asymmetricKeyType !== 'ec') return 'is not an elliptic-curve key';
    return csr;
  }

  /**
   * `POST requests/{id}/certificatedata` (get-certificate-responses.md): one certificate per request,
   * answered once: CM has no GET for them and issues once (desk-issuance.md), so a second call is
   * refused ([sim] CM's own answer to a repeat is undocumented).
   */
  async function certificateData(state: SimState, call: ExecutionCall, tamper: CertificateTamper | null): Promise<ExecutionResult> {
    const requestId = normalizeGuid(call.params[0] ?? '');
    if (requestId === null) return refuse('The id is not a GUID.');
    const fields = jsonFields(call);
    if (fields === null) return refuse('The body must be a JSON object.');
    const request = findRequest(state, requestId);
    if (request === undefined) return refuse(`Request ${requestId} was not found.`);
    const bound = boundCard(state, requestId, request.NewSmartcardUuid, null, false);
    if (!bound.ok) return bound.refusal;
    if ((state.issuances ?? []).some((i) => i.RequestUuid === requestId)) {
      return refuse(`The certificates of request ${requestId} have already been issued.`);
    }
    const requests = fields.certificaterequests;
    const options = bound.profile?.generationOptions ?? [];
    const serverKeys = bound.profile?.serverGeneratedKeys ?? [];
    // get-certificate-responses.md: pfxpassword "is used to protect any PFX results". [sim] Without one
    // (or an empty one) a profile that makes keys is refused, so no key ever leaves unprotected.
    const pfxPassword = typeof fields.pfxpassword === 'string' ? fields.pfxpassword : '';
    // Key history: the user's keys the CA archived for this template, recovered onto the card of an Enroll
    // request ([sim] which request types recover, and which keys, is not on the pages).
    const history =
      bound.profile?.keyHistory === true && request.RequestType === CREATED_REQUEST_TYPE.enroll
        ? (state.archivedKeys ?? []).filter((k) => k.UserUuid === request.TargetUserUuid && k.ProfileTemplateUuid === request.ProfileTemplateUuid)
        : [];
    if ((serverKeys.length > 0 || history.length > 0) && pfxPassword === '') {
      return refuse(`Request ${requestId} returns server-generated or archived keys and needs a pfxpassword.`);
    }
    if (!Array.isArray(requests) || requests.length !== options.length) {
      return refuse(`Request ${requestId} needs ${options.length} certificate request(s).`);
    }
    const csrs: x509.Pkcs10CertificateRequest[] = [];
    for (const [i, text] of requests.entries()) {
      const csr = await readCsr(text, options[i]!);
      if (typeof csr === 'string') return refuse(`Certificate request ${i + 1} ${csr}.`);
      csrs.push(csr);
    }
    const authority = await getCa();
    const { subject, upn } = subjectOf(state, request);
    /** A public key no card holds (faults `foreign-key` and `more`). */
    const foreignKey = async () => {
      const pair = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
      return new x509.PublicKey(await webcrypto.subtle.exportKey('spki', pair.publicKey));
    };
    const issued = [];
    for (const [i, csr] of csrs.entries()) {
      const option = options[i]!;
      const publicKey = tamper === 'foreign-key' && i === 0 ? await foreignKey() : csr.publicKey;
      const leaf = await authority.issue({ publicKey, subject, upn, keyUsages: option.KeyUsages });
      issued.push({ leaf, template: bound.profile?.certificateTemplates[i] ?? '' });
    }
    if (tamper === 'more') {
      const extra = await authority.issue({ publicKey: await foreignKey(), subject, upn, keyUsages: 2 });
      issued.push({ leaf: extra, template: 'StationTrainingExtra' });
    }
    /** An RSA key the CA makes itself, certified: off the event loop (an RSA key takes a while, other calls may be answered meanwhile). */
    const caMadeKey = async (modulusLength: number, keyUsages: number, validFrom?: Date) => {
      const pair = await promisify(generateKeyPair)('rsa', { modulusLength });
      const publicKey = new x509.PublicKey(pair.publicKey.export({ type: 'spki', format: 'der' }));
      const leaf = await authority.issue({ publicKey, subject, upn, keyUsages, ...(validFrom ? { validFrom } : {}) });
      return { leaf, pkcs8: pair.privateKey.export({ type: 'pkcs8', format: 'der' }) };
    };
    // Keys the CA makes itself (archived for recovery): the key pair here, the key and certificate in a PFX.
    const generated = [];
    const archived: SimArchivedKey[] = [];
    for (const key of serverKeys) {
      const { leaf, pkcs8 } = await caMadeKey(key.KeySize, key.KeyUsages);
      // The CA archives the key it made (CA key archival), for recovery and key history.
      archived.push({
        UserUuid: request.TargetUserUuid,
        ProfileTemplateUuid: request.ProfileTemplateUuid,
        TemplateCommonName: key.template,
        RequestUuid: requestId,
        Archived: now().toISOString(),
        Certificate: leaf.der.toString('base64'),
        Pkcs8: pkcs8.toString('base64'),
      });
      generated.push({ leaf, template: key.template, pfx: writePfx(pkcs8, leaf.der, pfxPassword) });
      pkcs8.fill(0);
    }
    // The archived keys recovered, each in a PFX under the request's pfxpassword. One the training
    // directory starts with gets its key pair and certificate (dated when it was archived) now.
    const recovered: Array<{ before: SimArchivedKey; after: SimArchivedKey; pfx: string }> = [];
    for (const key of history) {
      let after: SimArchivedKey;
      let certificate: Buffer;
      let pkcs8: Buffer;
      if (key.Certificate === null || key.Pkcs8 === null) {
        const made = await caMadeKey(2048, 1, new Date(key.Archived));
        certificate = made.leaf.der;
        pkcs8 = made.pkcs8;
        after = { ...key, Certificate: certificate.toString('base64'), Pkcs8: pkcs8.toString('base64') };
      } else {
        // Already made: the archive keeps it as it is, only the PFX needs the bytes.
        after = key;
        certificate = Buffer.from(key.Certificate, 'base64');
        pkcs8 = Buffer.from(key.Pkcs8, 'base64');
      }
      recovered.push({ before: key, after, pfx: writePfx(pkcs8, certificate, pfxPassword) });
      pkcs8.fill(0);
    }
    const answer = issued.map(({ leaf, template }, i) =>
      certificateObject({
        template,
        pkcs7:
          tamper === 'invalid-pkcs7' && i === 0
            ? wrappedBase64(Buffer.from('This is not a CMS structure.'))
            : wrappedBase64(cmcFullPkiResponse([leaf.der, authority.issuing, authority.root], { certificate: authority.issuing, key: authority.issuingKey })),
      }),
    );
    // A server-generated key: the PFX in `Pfx`, no `Pkcs7` ([sim] whether CM also fills Pkcs7 there
    // is not on the pages; the PFX holds the certificate).
    const serverAnswers = generated.map(({ template, pfx }) => certificateObject({ template, pfx, serverGenerated: true }));
    // get-certificate-responses.md: isKeyHistory "a key history certificate", isPfx and Pfx "the PFX
    // certificate blob"; "the number of certificate responses can exceed the number of requests".
    // [sim] After the new ones, oldest first; isServerGenerated false (the CA made it, but not now).
    const historyAnswers = recovered.map(({ after, pfx }) => certificateObject({ template: after.TemplateCommonName, pfx, keyHistory: true }));
    const shown = [...(tamper === 'fewer' ? answer.slice(0, -1) : answer), ...serverAnswers, ...historyAnswers];
    const serials = [...issued, ...generated].map(({ leaf }) => leaf.serialHex);
    const issuance = { RequestUuid: requestId, CertificateSerials: serials, Issued: now().toISOString() };
    return {
      answer: { status: 200, json: shown },
      update: (latest) => ({
        ...latest,
        // [sim] a request whose certificates are issued is being executed (the SDK's Executing status).
        requests: latest.requests.map((r) => (r.Uuid === requestId ? { ...r, Status: EXECUTING } : r)),
        issuances: [...(latest.issuances ?? []), issuance],
        archivedKeys: [...(latest.archivedKeys ?? []).map((k) => recovered.find(({ before }) => sameArchivedKey(before, k))?.after ?? k), ...archived],
      }),
    };
  }

  /** `PUT requests/{id}` (cancel-abandon-complete-request.md): Completed, Canceled or Abandoned; 200 with the Request. */
  function setRequestStatus(state: SimState, call: ExecutionCall): ExecutionResult {
    const requestId = normalizeGuid(call.params[0] ?? '');
    if (requestId === null) return refuse('The id is not a GUID.');
    const fields = jsonFields(call);
    const status = typeof fields?.status === 'string' ? fields.status.trim().toLowerCase() : null;
    const request = findRequest(state, requestId);
    if (request === undefined) return refuse(`Request ${requestId} was not found.`);
    let next: SimRequest;
    let cardUuid: string | null = null;
    if (status === 'completed') {
      const bound = boundCard(state, requestId, request.NewSmartcardUuid, null, false);
      if (!bound.ok) return bound.refusal;
      // [sim] a request is complete once its certificates were issued.
      if (!(state.issuances ?? []).some((i) => i.RequestUuid === requestId)) return refuse(`Request ${requestId} has no certificates yet.`);
      next = { ...request, Status: COMPLETED, Completed: now().toISOString() };
      cardUuid = bound.card.Uuid;
    } else if (status === 'canceled') {
      if (!isExecutable(request) && request.Status !== PENDING) return refuse(`Request ${requestId} cannot be canceled.`);
      next = { ...request, Status: CANCELED };
    } else if (status === 'abandoned') {
      // FIM CM SDK RequestOperations.Abandon (bb456810): Approved or Executing only; "The status ... is set to Failed."
      if (!isExecutable(request)) return refuse(`Request ${requestId} cannot be abandoned.`);
      next = { ...request, Status: FAILED };
    } else {
      return refuse('status must be Completed, Canceled or Abandoned.');
    }
    return {
      answer: { status: 200, json: next },
      update: (latest) => ({
        ...latest,
        requests: latest.requests.map((r) => (r.Uuid === requestId ? next : r)),
        // The card a CM client has written is in use: Assigned becomes Active (get-smartcard-data.md examples).
        smartcards: latest.smartcards.map((c) => (c.Uuid === cardUuid && c.Status === CARD_STATUS.assigned ? { ...c, Status: CARD_STATUS.active } : c)),
      }),
    };
  }

  return {
    async handle(state, call, tamper) {
      switch (call.route) {
        case 'GET /profiletemplates/{id}/configuration/smartcards':
          return configuration(call);
        case 'GET /requests/{id}/smartcards/{id}/authenticationresponse':
          return authenticationResponse(state, call);
        case 'GET /requests/{id}/smartcards/{id}/diversifiedkey':
          return diversifiedKey(state, call);
        case 'GET /requests/{id}/smartcards/{id}/serverproposedpin':
        case 'GET /smartcards/{id}/serverproposedpin':
          return serverProposedPin(state, call);
        case 'GET /requests/{id}/certificaterequestgenerationoptions':
          return generationOptions(state, call);
        case 'POST /requests/{id}/certificatedata':
          return certificateData(state, call, tamper);
        case 'PUT /requests/{id}':
          return setRequestStatus(state, call);
      }
    },
    executing: (smartcardUuid) => executingCards.has(smartcardUuid),
    async caCertificates() {
      const authority = await getCa();
      return { root: authority.root, issuing: authority.issuing };
    },
  };
}
