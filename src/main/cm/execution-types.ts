// The CM routes a client needs to execute a request on a card (../shared/docs/desk-issuance.md,
// MicrosoftDocs/MIMDocs `MIMDocs/reference/*.md`). Implemented by the CM client; the issuance engine
// depends on this interface only.
import type { Guid } from '../../shared/cm';

/** `GET profiletemplates/{ptid}/configuration/smartcards`, normalised (sample enrollment walkthrough 12-13). */
export interface CmSmartcardConfiguration {
  /**
   * The card's initial 9B key as CM knows it (`DefaultAdminKeyHex`); must equal the cards' factory key
   * (24 bytes for a PIV 3DES key). null when CM sends "" (the documented example does: a card initialised
   * by an HSM provider), which means the station cannot authenticate to the card: no desk issuance.
   */
  defaultAdminKey: Buffer | null;
  diversifyAdminKey: boolean;
  /** The SDK's UserPinOption by name; an unknown value is kept as 'Unknown(..)' and means "the user types it". */
  userPinOption: 'None' | 'UserProvided' | 'ServerDistributed' | 'Randomized' | 'CustomServerDistributed' | `Unknown(${string})`;
  /** `UserPinPolicy.MinLength/MaxLength` when CM states them; null: the PIV defaults (6 to 8). */
  minimumPinLength: number | null;
  maximumPinLength: number | null;
}

/** The PIV card management key (9B) is 3-key 3DES: the only admin key CM answers a challenge for. */
export const ADMIN_KEY_BYTES = 24;

/** One element of `GET requests/{rid}/certificaterequestgenerationoptions`. */
export interface CmCertificateRequestOption {
  subject: string;
  keyAlgorithmName: string;
  keySize: number;
  friendlyName: string;
  hashAlgorithmName: string;
  exportable: boolean;
  /** Windows EnrollKeyUsages: 1 decryption, 2 signing, 3 both (see desk-issuance.md for the slot rule). */
  keyUsages: number;
}

/** One Certificate object from `POST requests/{rid}/certificatedata`. */
export interface CmIssuedCertificateAnswer {
  templateCommonName: string | null;
  certificateId: string | null;
  /** CM's error for this certificate, if any. */
  error: string | null;
  /** CMC Full PKI Response (CMS SignedData), base64 DER. */
  pkcs7: string | null;
  /** A server-generated key (base64 PFX, protected with the request's pfxpassword). */
  pfx: string | null;
  isServerGenerated: boolean;
  isKeyHistory: boolean;
}

export interface ExecutionIds {
  requestId: Guid;
  /** CM's Uuid of the smart card bound to the request. */
  smartcardUuid: Guid;
  /** The physical card id exactly as sent in the bind (CM derives the diversified key from it). */
  cardId: string;
  atr: string;
}

export interface CmExecutionClient {
  getSmartcardConfiguration(profileTemplateUuid: Guid): Promise<CmSmartcardConfiguration>;
  /** 3DES answer to the card's 8-byte challenge (`authenticationresponse`, challenge URL-encoded base64). */
  getAuthenticationResponse(ids: ExecutionIds, challenge: Buffer, diversified: boolean): Promise<Buffer>;
  /** The card's new 9B key (24 bytes), as CM derives it from the card id. */
  getDiversifiedKey(ids: ExecutionIds): Promise<Buffer>;
  /** CM's proposed PIN (only when the profile wants one). */
  getServerProposedPin(ids: ExecutionIds): Promise<string>;
  getCertificateRequestGenerationOptions(requestId: Guid): Promise<CmCertificateRequestOption[]>;
  /**
   * `POST requests/{rid}/certificatedata`. CM issues once and has no GET: `raw` is the body exactly
   * as received, for the caller to keep durably before it parses anything (parseCertificateData).
   */
  postCertificateData(input: { requestId: Guid; certificateRequests: string[]; pfxPassword: string | null; comments: string }): Promise<{ raw: string }>;
  /** `PUT requests/{rid}` with `{"status": ...}`. */
  setRequestStatus(requestId: Guid, status: 'Completed' | 'Canceled' | 'Abandoned'): Promise<void>;
}
