// The engine's ports over the station's real parts: the PKI formats (src/main/pki), CM's answer
// reader (cm/execution.ts parseCertificateData), the PIV host side over the reader monitor's PC/SC
// context, and CM's execution routes over the station's CM client.
//
// The PKI code (src/main/pki: the @peculiar ASN.1 schemas, about 170 files) and CM's answer reader
// (cm's execution routes) are loaded when the first issuance starts (IssuancePorts.prepare), not at
// start-up (issue 19 item 7): most days a station binds cards and never issues one.
import { X509Certificate } from 'node:crypto';
import { StationError } from '../../shared/errors';
import { createCmExecutionClient, loadCmExecution, type CmClientWithCall, type CmIssuedCertificateAnswer } from '../cm';
import { createPivCardAccess, loadPivCode, type PivConnector } from '../pcsc';
import type * as PkiModule from '../pki';
import type { CertificateAnswerEntry, CertificateFacts, IssuancePki, IssuancePorts } from './ports';

let pkiModule: typeof PkiModule | null = null;
let parseCertificateData: ((raw: string) => CmIssuedCertificateAnswer[]) | null = null;

/**
 * IssuancePorts.prepare: the PKI code, CM's answer reader (cm/execution.ts parseCertificateData) and
 * the PIV host side (its capability probe is the first thing an issuance does to the card).
 */
async function loadIssuanceCode(): Promise<void> {
  await loadPivCode();
  pkiModule ??= await import('../pki');
  parseCertificateData ??= (await loadCmExecution()).parseCertificateData;
}

/** The PKI code; the service calls `prepare` (loadIssuanceCode) before any run, so this cannot be reached before it. */
function loadedPki(): typeof PkiModule {
  if (pkiModule === null) throw new Error('The PKI code is used before IssuancePorts.prepare() loaded it.');
  return pkiModule;
}

/** X509Certificate names come one attribute per line ("CN=..\nO=.."): one line, as CM and the screens write them. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

/** `opened`: the certificate as the PKI code already opened it (CMS, PFX), so it is not parsed twice. */
export function describeCertificate(der: Buffer, opened?: X509Certificate): CertificateFacts {
  let cert: X509Certificate;
  try {
    cert = opened ?? new X509Certificate(der);
  } catch {
    throw new StationError('ISSUANCE_BAD_CMS', 'A certificate CM returned does not parse.');
  }
  return {
    der,
    // Exported by OpenSSL: the same encoding normaliseSpki gives a key the card returned.
    publicKey: cert.publicKey.export({ type: 'spki', format: 'der' }),
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    serialNumber: cert.serialNumber.toLowerCase(),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

export const pki: IssuancePki = {
  slotsFor: (options) => loadedPki().chooseSlots(options),
  preferredSlot: (keyUsages) => loadedPki().preferredSlot(keyUsages),
  algorithmFor: (option) => loadedPki().keyAlgorithmFromOption(option),
  normalisePublicKey: (spki) => loadedPki().normaliseSpki(spki),
  buildCertificationRequest: ({ option, publicKey, sign }) =>
    loadedPki().buildCsr({ subject: option.subject, spki: publicKey, hashAlgorithmName: option.hashAlgorithmName, keyUsages: option.keyUsages, sign }),
  readCertificateData(raw) {
    if (parseCertificateData === null) throw new Error('CM’s answer reader is used before IssuancePorts.prepare() loaded it.');
    return parseCertificateData(raw).map((answer): CertificateAnswerEntry => {
      const template = answer.templateCommonName;
      if (answer.error !== null && answer.error !== '') return { kind: 'error', template, message: answer.error };
      // get-certificate-responses.md: isKeyHistory, "a key history certificate"; isPfx/Pfx, "the PFX certificate blob".
      if (answer.isKeyHistory) return { kind: 'key-history', template, pfx: answer.pfx };
      if (answer.pfx !== null) return { kind: 'server-generated', template, pfx: answer.pfx };
      if (answer.pkcs7 === null) return { kind: 'error', template, message: 'CM returned neither a certificate nor a key for this request.' };
      const { leaf, leafX509 } = loadedPki().parseCmcResponse(answer.pkcs7);
      return { kind: 'issued', template, certificate: describeCertificate(leaf, leafX509) };
    });
  },
  describeCertificate,
  openPfx(pfxBase64, password) {
    // In memory only (pki/pfx.ts): the key is never written anywhere but the card.
    const opened = loadedPki().decodePfx(pfxBase64, password);
    return {
      privateKeyPkcs8: opened.privateKeyPkcs8,
      certificate: describeCertificate(opened.certificate, opened.certificateX509),
      keyUsages: loadedPki().keyUsagesOf(opened.certificate),
    };
  },
};

/** The real ports: the card through the reader monitor's PC/SC context, CM through the station's client. */
export function createIssuancePorts(connector: PivConnector, cm: CmClientWithCall): IssuancePorts {
  return {
    card: createPivCardAccess(connector),
    cm: createCmExecutionClient({ call: cm.call }),
    records: { getRequest: (requestId) => cm.getRequest(requestId), getSmartcard: (uuid) => cm.getSmartcard(uuid) },
    pki,
    prepare: loadIssuanceCode,
  };
}
