// In-memory fakes of the issuance engine's ports (src/main/issuance/ports.ts): a PIV card that
// keeps its state across sessions (as a real card does), CM's execution routes and records, and a
// toy PKI whose "certificates" are JSON. Every call passes through `faults`, so a test can make any
// one call fail before it acts (nothing happened) or after it (it happened, the answer was lost),
// as a pulled card, a CM outage or a crash.
import { createHash } from 'node:crypto';
import type { CmRequest, CmSmartcard } from '../../../src/shared/cm';
import { StationError } from '../../../src/shared/errors';
import type { CertificateSlot, PivSlot } from '../../../src/shared/issuance';
import type { CmCertificateRequestOption, CmExecutionClient, CmSmartcardConfiguration } from '../../../src/main/cm/execution-types';
import type { CertificateAnswerEntry, CertificateFacts, IssuancePki, IssuancePorts } from '../../../src/main/issuance/ports';
import type { KeyHistory, PivCapability, PivCardAccess, PivKeyAlgorithm, PivSession } from '../../../src/main/pcsc/piv/types';
import { preferredSlot } from '../../../src/main/pki';

export const REQUEST_ID = '11111111-2222-3333-4444-555555555555';
export const SMARTCARD_UUID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
export const PROFILE_ID = '99999999-8888-7777-6666-555555555555';
export const CHUID = '00112233445566778899aabbccddeeff';
/** formatCmGuid(CHUID): the first three fields byte-swapped. */
export const CARD_ID = '33221100-5544-7766-8899-aabbccddeeff';
export const READER = 'Reader A';
const FACTORY_KEY = Buffer.from('010203040506070801020304050607080102030405060708', 'hex');
export const DIVERSIFIED_KEY = Buffer.alloc(24, 0x5a);

export type FaultKind = 'crash' | 'transient';
export interface Fault {
  /** The n-th call (0-based) over all ports and commits. */
  at: number;
  when: 'before' | 'after';
  kind: FaultKind;
}

/** Thrown to simulate the process dying: nothing after it may reach the disk. */
export class Crash extends Error {}

export class Faults {
  calls: string[] = [];
  fault: Fault | null = null;
  crashed = false;
  /** Runs `body` as the next call named `name`, failing before or after it when the fault says so. */
  async call<T>(name: string, transient: (after: boolean) => Error, body: () => Promise<T> | T): Promise<T> {
    if (this.crashed) throw new Crash('dead process');
    const index = this.calls.length;
    this.calls.push(name);
    const f = this.fault;
    const hit = f !== null && f.at === index;
    if (hit && f.when === 'before') this.fire(f, transient(false));
    const value = await body();
    if (hit && f.when === 'after') this.fire(f, transient(true));
    return value;
  }
  private fire(f: Fault, err: Error): never {
    this.fault = null;
    if (f.kind === 'crash') {
      this.crashed = true;
      throw new Crash('crash injected');
    }
    throw err;
  }
}

const pulled = () => new StationError('PCSC_CARD_REMOVED', 'The card was removed.', { reader: READER });
const cmDown = (after: boolean) =>
  after
    ? new StationError('CM_TIMEOUT', 'CM did not answer.', { outcomeUnknown: true })
    : new StationError('CM_OFFLINE', 'The CM server refused the connection.', { reason: 'refused', outcomeUnknown: false });

/** The toy "encryption" both the card and CM use (the real 3DES is i16-piv's and i16-cm's). */
export function respond(key: Buffer, challenge: Buffer): Buffer {
  return createHash('sha256').update(key).update(challenge).digest().subarray(0, 8);
}

/** A PIV card's state, which outlives every session (and every crash of the station). */
export class FakeCard {
  chuid: string | null = CHUID;
  managementKey = FACTORY_KEY;
  pin = '123456';
  puk = '12345678';
  pinTries = 3;
  pukTries = 3;
  keys = new Map<CertificateSlot, { publicKey: Buffer; n: number }>();
  certificates = new Map<CertificateSlot, Buffer>();
  /** The Key History object (5FC10C), when written. */
  keyHistory: KeyHistory | null = null;
  generated = 0;
  /** 'aes': a YubiKey 5.7 with an AES 9B key. */
  adminAlgorithm: '3des' | 'aes' = '3des';
  piv = true;
}

export function fakeAccess(card: FakeCard, faults: Faults): PivCardAccess & { sessions: number } {
  const access = {
    sessions: 0,
    async probe(): Promise<PivCapability> {
      if (!card.piv) return { issuable: false, reason: 'not-piv', detail: 'SELECT PIV answered 6a82' };
      if (card.adminAlgorithm === 'aes') return { issuable: false, reason: 'admin-key-not-3des', detail: 'The 9B key is AES-192.' };
      return { issuable: true, chuidGuid: card.chuid, firmware: '5.4.3', pinTriesLeft: card.pinTries };
    },
    async open(): Promise<PivSession> {
      access.sessions++;
      let authenticated = false;
      let challenge: Buffer | null = null;
      let verified = false;
      const call = <T>(name: string, body: () => T | Promise<T>) => faults.call(`card.${name}`, () => pulled(), body);
      const needAdmin = () => {
        if (!authenticated) throw new StationError('PIV_SECURITY_STATUS', 'Admin authentication needed.');
      };
      const checkPin = (given: string) => {
        if (card.pinTries === 0) throw new StationError('PIV_PIN_BLOCKED', 'The PIN is blocked.');
        if (given !== card.pin) {
          card.pinTries--;
          throw new StationError(card.pinTries === 0 ? 'PIV_PIN_BLOCKED' : 'PIV_PIN_WRONG', 'Wrong PIN.', { triesLeft: card.pinTries });
        }
        card.pinTries = 3;
      };
      const session: PivSession = {
        readChuidGuid: () => call('readChuid', () => card.chuid),
        writeChuid: (guid) =>
          call('writeChuid', () => {
            needAdmin();
            card.chuid = guid.toString('hex');
          }),
        adminChallenge: () =>
          call('adminChallenge', () => {
            challenge = Buffer.from(Array.from({ length: 8 }, (_, i) => (i * 37 + access.sessions) & 0xff));
            return challenge;
          }),
        adminRespond: (response) =>
          call('adminRespond', () => {
            const expected = challenge === null ? null : respond(card.managementKey, challenge);
            challenge = null;
            if (expected === null || !expected.equals(response)) throw new StationError('PIV_ADMIN_AUTH_FAILED', 'The card refused the admin response.');
            authenticated = true;
          }),
        authenticateAdmin: (key) =>
          call('authenticateAdmin', () => {
            if (!key.equals(card.managementKey)) throw new StationError('PIV_ADMIN_AUTH_FAILED', 'Wrong admin key.');
            authenticated = true;
          }),
        setManagementKey: (key) =>
          call('setManagementKey', () => {
            needAdmin();
            card.managementKey = Buffer.from(key);
          }),
        generateKey: (slot: PivSlot, algorithm: PivKeyAlgorithm) =>
          call('generateKey', () => {
            needAdmin();
            card.generated++;
            const publicKey = Buffer.from(`${algorithm}:${slot}:${card.generated}`);
            card.keys.set(slot, { publicKey, n: card.generated });
            return publicKey;
          }),
        sign: (slot, _algorithm, input) =>
          call('sign', () => {
            if (slot === '9c' && !verified) throw new StationError('PIV_SECURITY_STATUS', '9C needs the PIN right before.');
            verified = false;
            const key = card.keys.get(slot);
            if (!key) throw new StationError('PIV_CARD_ERROR', 'No key in that slot.');
            return createHash('sha256').update(key.publicKey).update(input).digest();
          }),
        importKey: (slot, pkcs8) =>
          call('importKey', () => {
            needAdmin();
            card.keys.set(slot, { publicKey: Buffer.from(`imported:${pkcs8.toString('hex')}`), n: 0 });
          }),
        putCertificate: (slot, der) =>
          call('putCertificate', () => {
            needAdmin();
            card.certificates.set(slot, Buffer.from(der));
          }),
        readCertificate: (slot) => call('readCertificate', () => card.certificates.get(slot) ?? null),
        putKeyHistory: (history) =>
          call('putKeyHistory', () => {
            needAdmin();
            card.keyHistory = { ...history };
          }),
        readKeyHistory: () => call('readKeyHistory', () => card.keyHistory),
        verifyPin: (pin) =>
          call('verifyPin', () => {
            checkPin(pin);
            verified = true;
          }),
        changeReference: (which, current, next) =>
          call(`change-${which}`, () => {
            if (which === 'pin') {
              checkPin(current);
              card.pin = next;
            } else {
              if (card.pukTries === 0) throw new StationError('PIV_PIN_BLOCKED', 'The PUK is blocked.');
              if (current !== card.puk) {
                card.pukTries--;
                throw new StationError('PIV_PIN_WRONG', 'Wrong PUK.', { triesLeft: card.pukTries });
              }
              card.puk = next;
            }
          }),
        resetRetryCounter: () => call('resetRetryCounter', () => undefined),
        close: async () => undefined,
      };
      return faults.call(
        'card.open',
        () => pulled(),
        () => session,
      );
    },
  };
  return access;
}

export interface CmBehaviour {
  config: CmSmartcardConfiguration;
  options: CmCertificateRequestOption[];
  /** How certificatedata answers. */
  answer: 'ok' | 'refuse' | 'fewer' | 'more' | 'foreign-key' | 'same-key' | 'bad-cms';
  /** Keys CM makes itself and returns as a (toy) PFX protected with the request's pfxpassword, with these key usages. */
  serverKeys?: number[];
  /** A server-generated key's PFX protected with another password than the one sent. */
  pfxWrongPassword?: boolean;
  /**
   * Earlier keys CM recovers from the CA's archive (isKeyHistory), in answer order: 'pfx' with the key in
   * a (toy) PFX protected with the request's pfxpassword (a decryption key), 'signing' the same with a
   * signing-only certificate, 'no-key' a certificate without its key.
   */
  keyHistory?: Array<'pfx' | 'signing' | 'no-key'>;
}

export function defaultBehaviour(): CmBehaviour {
  return {
    config: {
      defaultAdminKey: FACTORY_KEY,
      diversifyAdminKey: true,
      userPinOption: 'UserProvided',
      minimumPinLength: null,
      maximumPinLength: null,
    } as CmSmartcardConfiguration,
    options: [
      {
        subject: 'CN=Dana Scully',
        keyAlgorithmName: 'RSA',
        keySize: 2048,
        friendlyName: 'Logon',
        hashAlgorithmName: 'SHA256',
        exportable: false,
        keyUsages: 3,
      },
      {
        subject: 'CN=Dana Scully',
        keyAlgorithmName: 'RSA',
        keySize: 2048,
        friendlyName: 'Signing',
        hashAlgorithmName: 'SHA256',
        exportable: false,
        keyUsages: 2,
      },
    ],
    answer: 'ok',
  };
}

/** CM as the fakes see it: the request, the card record, what certificatedata issued. */
export class FakeCm {
  request: CmRequest = {
    uuid: REQUEST_ID,
    type: 'Enroll',
    status: 'Approved',
    targetUserUuid: null,
    targetUserDisplayName: null,
    originatorUserUuid: null,
    profileTemplateUuid: PROFILE_ID,
    profileTemplateName: 'PIV',
    oldSmartcardUuid: null,
    newSmartcardUuid: SMARTCARD_UUID,
    submitted: null,
    completed: null,
    priority: 0,
    isSmartcard: true,
    dataCollection: [],
    comment: '',
  } as CmRequest;
  smartcardStatus: 'Assigned' | 'Active' = 'Assigned';
  /** certificatedata calls CM actually received. */
  certificateCalls = 0;
  /** The pfxpassword each certificatedata call carried. */
  pfxPasswords: string[] = [];
  serverPin = '246810';
  constructor(public behaviour: CmBehaviour = defaultBehaviour()) {}
}

function certificateFor(csr: { subject: string; publicKey: string }, serial: number): string {
  return Buffer.from(JSON.stringify({ subject: csr.subject, issuer: 'CN=Fake CA', serial: String(serial), publicKey: csr.publicKey })).toString('base64');
}

export function fakeCmPorts(cm: FakeCm, faults: Faults): Pick<IssuancePorts, 'cm' | 'records'> {
  const call = <T>(name: string, body: () => T | Promise<T>) => faults.call(`cm.${name}`, cmDown, body);
  const execution: CmExecutionClient = {
    getSmartcardConfiguration: () => call('configuration', () => cm.behaviour.config),
    getAuthenticationResponse: (ids, challenge, diversified) =>
      call('authenticationresponse', () => {
        if (ids.cardId !== CARD_ID) throw new StationError('CM_SERVER_ERROR', 'Unknown card id.');
        const defaultKey = cm.behaviour.config.defaultAdminKey ?? FACTORY_KEY;
        return respond(diversified ? DIVERSIFIED_KEY : defaultKey, challenge);
      }),
    getDiversifiedKey: () => call('diversifiedkey', () => DIVERSIFIED_KEY),
    getServerProposedPin: () => call('serverproposedpin', () => cm.serverPin),
    getCertificateRequestGenerationOptions: () => call('options', () => cm.behaviour.options),
    postCertificateData: (input) =>
      call('certificatedata', () => {
        if (cm.behaviour.answer === 'refuse') {
          throw new StationError('CM_SERVER_ERROR', 'The CM server had an internal error (HTTP 500).', {
            status: 500,
            serverMessage: 'Template permission denied',
          });
        }
        cm.certificateCalls++;
        cm.request = { ...cm.request, status: 'Executing' };
        const csrs = input.certificateRequests.map((b64) => JSON.parse(Buffer.from(b64, 'base64').toString()) as { subject: string; publicKey: string });
        let entries = csrs.map((csr, i) => ({ TemplateCommonName: `T${i}`, Pkcs7: certificateFor(csr, 100 + i) }));
        if (cm.behaviour.answer === 'fewer') entries = entries.slice(1);
        if (cm.behaviour.answer === 'more')
          entries.push({ TemplateCommonName: 'X', Pkcs7: certificateFor({ subject: 'CN=x', publicKey: entries[0]!.Pkcs7 }, 999) });
        if (cm.behaviour.answer === 'foreign-key')
          entries[0] = { TemplateCommonName: 'T0', Pkcs7: certificateFor({ subject: 'CN=other', publicKey: 'b3RoZXI=' }, 7) };
        if (cm.behaviour.answer === 'same-key') entries[1] = { TemplateCommonName: 'T1', Pkcs7: certificateFor(csrs[0]!, 101) };
        if (cm.behaviour.answer === 'bad-cms') entries[0] = { TemplateCommonName: 'T0', Pkcs7: 'bm90IGNtcw==' };
        cm.pfxPasswords.push(input.pfxPassword ?? '');
        const password = cm.behaviour.pfxWrongPassword ? 'another password' : (input.pfxPassword ?? '');
        const server = (cm.behaviour.serverKeys ?? []).map((keyUsages, i) => ({
          TemplateCommonName: `S${i}`,
          Pfx: Buffer.from(
            JSON.stringify({
              password,
              keyUsages,
              key: `server-key-${i}`,
              certificate: certificateFor({ subject: 'CN=Dana Scully', publicKey: Buffer.from(`server-public-${i}`).toString('base64') }, 500 + i),
            }),
          ).toString('base64'),
        }));
        const history = (cm.behaviour.keyHistory ?? []).map((kind, i) => {
          const certificate = certificateFor({ subject: 'CN=Dana Scully', publicKey: Buffer.from(`history-public-${i}`).toString('base64') }, 700 + i);
          if (kind === 'no-key') return { TemplateCommonName: `H${i}`, KeyHistory: true, Pkcs7: certificate };
          const keyUsages = kind === 'signing' ? 2 : 1;
          const pfx = Buffer.from(JSON.stringify({ password, keyUsages, key: `history-key-${i}`, certificate })).toString('base64');
          return { TemplateCommonName: `H${i}`, KeyHistory: true, Pfx: pfx };
        });
        return { raw: JSON.stringify([...entries, ...server, ...history]) };
      }),
    setRequestStatus: (_rid, status) =>
      call('setRequestStatus', () => {
        cm.request = { ...cm.request, status: status as CmRequest['status'] };
        if (status === 'Completed') cm.smartcardStatus = 'Active';
      }),
  };
  return {
    cm: execution,
    records: {
      getRequest: () => call('getRequest', () => cm.request),
      getSmartcard: () => call('getSmartcard', () => ({ uuid: SMARTCARD_UUID, status: cm.smartcardStatus }) as unknown as CmSmartcard),
    },
  };
}

/** "Certificates" are base64 JSON { subject, issuer, serial, publicKey }; CSRs base64 JSON { subject, publicKey, signature }. */
export const fakePki: IssuancePki = {
  slotsFor: (options) => options.map((option): PivSlot => (option.keyUsages === 2 ? '9c' : option.keyUsages === 1 ? '9d' : '9a')),
  preferredSlot,
  normalisePublicKey: (spki) => spki,
  algorithmFor(option) {
    if (option.keyAlgorithmName !== 'RSA' || option.keySize !== 2048) throw new StationError('ISSUANCE_NOT_ALLOWED', 'Unsupported key.');
    return 'rsa2048';
  },
  async buildCertificationRequest({ option, publicKey, sign }) {
    const signature = await sign(Buffer.from(`tbs:${option.subject}`));
    return Buffer.from(JSON.stringify({ subject: option.subject, publicKey: publicKey.toString('base64'), signature: signature.toString('base64') }));
  },
  readCertificateData(raw): CertificateAnswerEntry[] {
    const entries = JSON.parse(raw) as Array<{ TemplateCommonName: string; Pkcs7?: string; Pfx?: string; KeyHistory?: boolean }>;
    return entries.map((e): CertificateAnswerEntry => {
      if (e.KeyHistory === true) return { kind: 'key-history', template: e.TemplateCommonName, pfx: e.Pfx ?? null };
      return e.Pfx !== undefined
        ? { kind: 'server-generated', template: e.TemplateCommonName, pfx: e.Pfx }
        : { kind: 'issued', template: e.TemplateCommonName, certificate: fakePki.describeCertificate(Buffer.from(e.Pkcs7 ?? '', 'base64')) };
    });
  },
  describeCertificate(der): CertificateFacts {
    let parsed: { subject: string; issuer: string; serial: string; publicKey: string };
    try {
      parsed = JSON.parse(der.toString()) as typeof parsed;
    } catch {
      throw new StationError('ISSUANCE_BAD_CMS', 'Not a valid CMS.');
    }
    return {
      der,
      publicKey: Buffer.from(parsed.publicKey, 'base64'),
      subject: parsed.subject,
      issuer: parsed.issuer,
      serialNumber: parsed.serial,
      notAfter: '2027-12-07T00:00:00.000Z',
    };
  },
  openPfx(pfx, password) {
    const parsed = JSON.parse(Buffer.from(pfx, 'base64').toString()) as { password: string; keyUsages: number; key: string; certificate: string };
    if (parsed.password !== password) throw new StationError('ISSUANCE_BAD_PFX', 'Wrong password.', { reason: 'wrong password or damaged file' });
    const privateKeyPkcs8 = Buffer.from(parsed.key);
    openedKeys.push(privateKeyPkcs8);
    return { privateKeyPkcs8, certificate: fakePki.describeCertificate(Buffer.from(parsed.certificate, 'base64')), keyUsages: parsed.keyUsages };
  },
};

/** Every private key buffer the fake PKI handed out (a test checks they were zeroed). */
export const openedKeys: Buffer[] = [];

export function fakePorts(card: FakeCard, cm: FakeCm, faults: Faults): IssuancePorts & { card: ReturnType<typeof fakeAccess> } {
  return { card: fakeAccess(card, faults), ...fakeCmPorts(cm, faults), pki: fakePki };
}
