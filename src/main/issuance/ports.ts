// What the issuance engine needs from the rest of the station, as interfaces only: the PIV card
// (pcsc/piv/types.ts, branch i16-piv), CM's execution routes (cm/execution-types.ts, branch i16-cm),
// CM's request and card records (the CM client the outbox already uses), and the PKI formats
// (PKCS#10, CMC/CMS, PFX, X.509: pki/, branch i16-piv). Unit tests drive the engine with in-memory
// fakes of each; adapters.ts builds the real ones.
import type { CmRequest, CmSmartcard, Guid } from '../../shared/cm';
import type { PivSlot } from '../../shared/issuance';
import type { CmCertificateRequestOption, CmExecutionClient } from '../cm';
import type { PivCardAccess, PivKeyAlgorithm } from '../pcsc';

/** A certificate as the engine needs it: its bytes, the key it certifies, and what the result screen lists. */
export interface CertificateFacts {
  der: Buffer;
  /** DER SubjectPublicKeyInfo: what a certificate is matched to its slot by (never by order). */
  publicKey: Buffer;
  subject: string;
  issuer: string;
  serialNumber: string;
  /** ISO time. */
  notAfter: string;
}

/** One Certificate object of CM's `certificatedata` answer, read. */
export type CertificateAnswerEntry =
  | { kind: 'issued'; template: string | null; certificate: CertificateFacts }
  /** A key CM generated (PFX, protected with the request's pfxpassword). */
  | { kind: 'server-generated'; template: string | null; pfx: string }
  /**
   * An earlier key of the user's that CM recovered from the CA's archive (key history), with its key
   * in a PFX protected with the request's pfxpassword, or `pfx` null when CM sent no key.
   */
  | { kind: 'key-history'; template: string | null; pfx: string | null }
  /** CM's own error for this certificate. */
  | { kind: 'error'; template: string | null; message: string };

export interface IssuancePki {
  /** One PIV slot per option by its KeyUsages (desk-issuance.md "Slots"); refuses more keys than slots. */
  slotsFor(options: readonly CmCertificateRequestOption[]): PivSlot[];
  /** The slot the PIV convention gives a key with these KeyUsages bits, taken or not (pki/slots.ts preferredSlot). */
  preferredSlot(keyUsages: number): PivSlot;
  /** One encoding per key, so a certificate's key and the card's compare byte for byte. */
  normalisePublicKey(spki: Buffer): Buffer;
  /** The card algorithm for an option; ISSUANCE_NOT_ALLOWED when the card cannot make that key. */
  algorithmFor(option: CmCertificateRequestOption): PivKeyAlgorithm;
  /** A DER PKCS#10 request for `publicKey`, signed by `sign` (the card: PKCS#1 v1.5 block for RSA, hash for ECC). */
  buildCertificationRequest(input: {
    option: CmCertificateRequestOption;
    publicKey: Buffer;
    algorithm: PivKeyAlgorithm;
    sign: (input: Buffer) => Promise<Buffer>;
  }): Promise<Buffer>;
  /** CM's raw answer, read: CM_MALFORMED_RESPONSE for a body that is not the documented array, ISSUANCE_BAD_CMS for a Pkcs7 that is not a valid CMS. */
  readCertificateData(raw: string): CertificateAnswerEntry[];
  describeCertificate(der: Buffer): CertificateFacts;
  /**
   * A server-generated or key-history key: its PKCS#8 private key (in memory only: the caller zeroes it after the
   * IMPORT), its certificate, and the uses its certificate states as EnrollKeyUsages bits (1 decryption,
   * 2 signing, 4 key agreement) for the slot. ISSUANCE_BAD_PFX for a wrong password or an unreadable PFX.
   */
  openPfx(pfxBase64: string, password: string): { privateKeyPkcs8: Buffer; certificate: CertificateFacts; keyUsages: number };
}

/** CM's records of the request and the card (GET requests/{rid}, GET smartcards/{scid}). */
export interface CmRecords {
  getRequest(requestId: Guid): Promise<CmRequest | null>;
  getSmartcard(smartcardUuid: Guid): Promise<CmSmartcard | null>;
}

export interface IssuancePorts {
  card: PivCardAccess;
  cm: CmExecutionClient;
  records: CmRecords;
  pki: IssuancePki;
  /** Loads what the ports need before a run starts (the real PKI code is loaded on first use, out of start-up). */
  prepare?(): Promise<void>;
}
