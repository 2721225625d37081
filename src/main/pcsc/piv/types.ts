// The host side of a PIV card (NIST SP 800-73-4, plus the two YubiKey extensions the station needs:
// SET MANAGEMENT KEY and IMPORT). The issuance engine talks to this interface only, so it can run
// against the real card (through PC/SC) and against a fake in unit tests.
//
// Bytes are Buffers here (main-process only); they never cross the bridge.
import type { CertificateSlot, PivSlot, RetiredSlot } from '../../../shared/issuance';

export type { CertificateSlot, PivSlot, RetiredSlot };

/** Key algorithms the station generates or imports (PIV algorithm ids 07 and 11). */
export type PivKeyAlgorithm = 'rsa2048' | 'eccp256';

/** The Key History object's counts (tags C1 keysWithOnCardCerts, C2 keysWithOffCardCerts; 0 to 20 each). */
export interface KeyHistory {
  onCardCertificates: number;
  offCardCertificates: number;
}

/** What the card can do, decided before any write and before the bind. */
export type PivCapability =
  | {
      issuable: true;
      /** The CHUID GUID as 32 lowercase hex, or null for a factory card with no CHUID. */
      chuidGuid: string | null;
      /** YubiKey firmware as "5.4.3", when the card answers GET VERSION. */
      firmware: string | null;
      /** PIN and PUK tries left (VERIFY with no data), when the card says. */
      pinTriesLeft: number | null;
    }
  | {
      issuable: false;
      /** Why not: no PIV applet, a 9B key that is not 3DES (AES on YubiKey 5.7+), or the card did not answer. */
      reason: 'not-piv' | 'admin-key-not-3des' | 'admin-challenge-refused' | 'card-error';
      detail: string;
    };

/**
 * One open session on one card (one PC/SC connection, the PIV applet selected). Every method throws
 * a StationError (PCSC_* for transport, PIV_* codes for a status word the card answered) and leaves
 * the card as the card left it; the engine decides what a retry does.
 */
export interface PivSession {
  /** The CHUID GUID (tag 34) as 32 lowercase hex, or null when the card has no CHUID. */
  readChuidGuid(): Promise<string | null>;
  /** Writes a CHUID with this GUID in the SP 800-73-4 layout. Needs admin authentication first. */
  writeChuid(guid: Buffer): Promise<void>;
  /** Step one of single 9B authentication (`7C 02 81 00`): the card's 8-byte challenge. */
  adminChallenge(): Promise<Buffer>;
  /** Step two (`7C 0A 82 08 <response>`): PIV_ADMIN_AUTH_FAILED when the card refuses it. */
  adminRespond(response: Buffer): Promise<void>;
  /** Both steps with a key the station holds (the profile's initial admin key, for the CHUID write). */
  authenticateAdmin(key3des: Buffer): Promise<void>;
  /** YubiKey SET MANAGEMENT KEY (3DES, 24 bytes, written exactly as given). Needs admin authentication. */
  setManagementKey(key3des: Buffer): Promise<void>;
  /** GENERATE ASYMMETRIC KEY PAIR; returns the public key as DER SubjectPublicKeyInfo. */
  generateKey(slot: PivSlot, algorithm: PivKeyAlgorithm): Promise<Buffer>;
  /**
   * GENERAL AUTHENTICATE with the slot's private key over `input`: for RSA the full PKCS#1 v1.5
   * block the host built (256 bytes), for ECC the hash. Returns the raw signature (RSA) or the DER
   * ECDSA signature. 9C needs a VERIFY PIN right before each signature.
   */
  sign(slot: PivSlot, algorithm: PivKeyAlgorithm, input: Buffer): Promise<Buffer>;
  /**
   * YubiKey IMPORT ASYMMETRIC KEY (a private key CM generated or recovered, from its PFX), into 9A-9E or
   * a retired key management slot 82-95. Needs admin authentication.
   */
  importKey(slot: CertificateSlot, privateKeyPkcs8Der: Buffer): Promise<void>;
  /**
   * PUT DATA of the slot's certificate object (5FC105 / 5FC10A / 5FC10B / 5FC101; retired 82-95:
   * 5FC10D-5FC120). Needs admin authentication.
   */
  putCertificate(slot: CertificateSlot, certificateDer: Buffer): Promise<void>;
  /** GET DATA of the slot's certificate object: the DER certificate, or null when empty. */
  readCertificate(slot: CertificateSlot): Promise<Buffer | null>;
  /**
   * PUT DATA of the Key History object 5FC10C (SP 800-73-4 part 1 §3.3.2): how many retired slots,
   * filled from 82 upward, hold a key whose certificate is on the card (C1) and off it (C2).
   * Needs admin authentication.
   */
  putKeyHistory(history: KeyHistory): Promise<void>;
  /** GET DATA of the Key History object, or null when the card has none. */
  readKeyHistory(): Promise<KeyHistory | null>;
  /** VERIFY 80: PIV_PIN_WRONG (with tries left) or PIV_PIN_BLOCKED. */
  verifyPin(pin: string): Promise<void>;
  /** CHANGE REFERENCE DATA 80 (PIN) or 81 (PUK). */
  changeReference(which: 'pin' | 'puk', current: string, next: string): Promise<void>;
  /** RESET RETRY COUNTER: a new PIN with the PUK. */
  resetRetryCounter(puk: string, newPin: string): Promise<void>;
  /** Ends the session (SCardDisconnect, leaving the card). */
  close(): Promise<void>;
}

/** Opens a PIV session on the card in a reader (connect SHARED, SELECT PIV). */
export interface PivCardAccess {
  /** Reads what the card can do, without writing anything. */
  probe(reader: string): Promise<PivCapability>;
  open(reader: string): Promise<PivSession>;
}
