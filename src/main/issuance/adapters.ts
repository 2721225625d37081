// The engine's ports over the station's real parts: the PKI formats (src/main/pki), CM's answer
// reader (cm/execution.ts parseCertificateData), the PIV host side over the reader monitor's PC/SC
// context, and CM's execution routes over the station's CM client.
import { X509Certificate } from 'node:crypto';
import { StationError } from '../../shared/errors';
import { createCmExecutionClient, parseCertificateData, type CmClientWithCall } from '../cm';
import { createPivCardAccess, type PivConnector } from '../pcsc';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, id_ce_keyUsage, KeyUsage, KeyUsageFlags } from '@peculiar/asn1-x509';
import { buildCsr, chooseSlots, decodePfx, KEY_USAGE_AGREEMENT, KEY_USAGE_DECRYPT, KEY_USAGE_SIGN, normaliseSpki, parseCmcResponse } from '../pki';
import type { CertificateAnswerEntry, CertificateFacts, IssuancePki, IssuancePorts } from './ports';

/** X509Certificate names come one attribute per line ("CN=..\nO=.."): one line, as CM and the screens write them. */
function oneLine(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

export function describeCertificate(der: Buffer): CertificateFacts {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    throw new StationError('ISSUANCE_BAD_CMS', 'A certificate CM returned does not parse.');
  }
  return {
    der,
    publicKey: normaliseSpki(cert.publicKey.export({ type: 'spki', format: 'der' })),
    subject: oneLine(cert.subject),
    issuer: oneLine(cert.issuer),
    serialNumber: cert.serialNumber.toLowerCase(),
    notAfter: new Date(cert.validTo).toISOString(),
  };
}

export const pki: IssuancePki = {
  slotsFor: (options) => chooseSlots(options),
  algorithmFor(option) {
    const name = option.keyAlgorithmName.toUpperCase();
    if (name === 'RSA' && option.keySize === 2048) return 'rsa2048';
    // CNG names P-256 keys ECDSA_P256 / ECDH_P256; the size is in the name or KeySize.
    if ((name === 'ECDSA_P256' || name === 'ECDH_P256' || name === 'ECDSA' || name === 'ECC') && (option.keySize === 256 || option.keySize === 0)) return 'eccp256';
    throw new StationError('ISSUANCE_CARD_NOT_ISSUABLE', `CM asks for a ${option.keyAlgorithmName} ${option.keySize} key, which the card cannot generate (RSA-2048 or P-256).`, {
      algorithm: option.keyAlgorithmName,
      keySize: option.keySize,
    });
  },
  normalisePublicKey: normaliseSpki,
  buildCertificationRequest: ({ option, publicKey, sign }) =>
    buildCsr({ subject: option.subject, spki: publicKey, hashAlgorithmName: option.hashAlgorithmName, keyUsages: option.keyUsages, sign }),
  readCertificateData(raw) {
    return parseCertificateData(raw).map((answer): CertificateAnswerEntry => {
      const template = answer.templateCommonName;
      if (answer.error !== null && answer.error !== '') return { kind: 'error', template, message: answer.error };
      if (answer.isKeyHistory) return { kind: 'key-history', template };
      if (answer.pfx !== null) return { kind: 'server-generated', template, pfx: answer.pfx };
      if (answer.pkcs7 === null) return { kind: 'error', template, message: 'CM returned neither a certificate nor a key for this request.' };
      return { kind: 'issued', template, certificate: describeCertificate(parseCmcResponse(answer.pkcs7).leaf) };
    });
  },
  describeCertificate,
  openPfx(pfxBase64, password) {
    // In memory only (pki/pfx.ts): the key is never written anywhere but the card.
    const opened = decodePfx(pfxBase64, password);
    return { privateKeyPkcs8: opened.privateKeyPkcs8, certificate: describeCertificate(opened.certificate), keyUsages: keyUsagesOf(opened.certificate) };
  },
};

/**
 * What a certificate's key is for, as EnrollKeyUsages bits (RFC 5280 4.2.1.3 keyUsage): decipherment
 * -> decryption, keyAgreement -> key agreement, digitalSignature / nonRepudiation -> signing. No
 * keyUsage extension: 0 (the slot rule then takes the authentication slot).
 */
export function keyUsagesOf(der: Buffer): number {
  let flags: number;
  try {
    const extension = AsnConvert.parse(der, Certificate).tbsCertificate.extensions?.find((e) => e.extnID === id_ce_keyUsage);
    if (!extension) return 0;
    flags = AsnConvert.parse(extension.extnValue, KeyUsage).toNumber();
  } catch {
    throw new StationError('ISSUANCE_BAD_PFX', 'The certificate of CM’s server-generated key does not parse.', { reason: 'certificate' });
  }
  let usages = 0;
  if (flags & (KeyUsageFlags.keyEncipherment | KeyUsageFlags.dataEncipherment)) usages |= KEY_USAGE_DECRYPT;
  if (flags & KeyUsageFlags.keyAgreement) usages |= KEY_USAGE_AGREEMENT;
  if (flags & (KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation)) usages |= KEY_USAGE_SIGN;
  return usages;
}

/** The real ports: the card through the reader monitor's PC/SC context, CM through the station's client. */
export function createIssuancePorts(connector: PivConnector, cm: CmClientWithCall): IssuancePorts {
  return {
    card: createPivCardAccess(connector),
    cm: createCmExecutionClient({ call: cm.call }),
    records: { getRequest: (requestId) => cm.getRequest(requestId), getSmartcard: (uuid) => cm.getSmartcard(uuid) },
    pki,
  };
}
