// CM's `Pkcs7` in a `certificatedata` answer: a CMC Full PKI Response (RFC 5272 §3.2.3): CMS
// SignedData (RFC 5652) with eContentType id-cct-PKIResponse, signed by the CA, carrying the issued
// certificate and its chain (verified on get-certificate-responses.md's sample). Everything that is
// not exactly that, or whose signature does not verify, is ISSUANCE_BAD_CMS: the card is never
// written from an answer the station cannot prove came whole from the CA.
import { createHash, verify, X509Certificate } from 'node:crypto';
import { SignedData, type SignerInfo } from '@peculiar/asn1-cms';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, SubjectKeyIdentifier, id_ce_subjectKeyIdentifier } from '@peculiar/asn1-x509';
import { StationError } from '../../shared/errors';
import { decodeBase64 } from '../common';
import { encodeElement, objectIdentifier, readChildren, readSingle, smallInteger, type DerNode } from './der';

const ID_SIGNED_DATA = '1.2.840.113549.1.7.2';
const ID_CCT_PKI_RESPONSE = '1.3.6.1.5.5.7.12.3';
const ID_CONTENT_TYPE = '1.2.840.113549.1.9.3';
const ID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const ID_CMC_STATUS_INFO = '1.3.6.1.5.5.7.7.1';
const ID_CMC_STATUS_INFO_V2 = '1.3.6.1.5.5.7.7.25';
/** CMCStatus success (RFC 5272 §6.1.4). */
const CMC_SUCCESS = 0;

const DIGESTS: ReadonlyMap<string, string> = new Map([
  ['1.3.14.3.2.26', 'sha1'],
  ['2.16.840.1.101.3.4.2.1', 'sha256'],
  ['2.16.840.1.101.3.4.2.2', 'sha384'],
  ['2.16.840.1.101.3.4.2.3', 'sha512'],
]);

/** Signature algorithms a CA signs CMC responses with: RSA PKCS#1 v1.5 (with or without the hash in the OID) and ECDSA. */
const RSA_SIGNATURES = new Set(['1.2.840.113549.1.1.1', '1.2.840.113549.1.1.5', '1.2.840.113549.1.1.11', '1.2.840.113549.1.1.12', '1.2.840.113549.1.1.13']);
const ECDSA_SIGNATURES = new Set(['1.2.840.10045.4.1', '1.2.840.10045.4.3.2', '1.2.840.10045.4.3.3', '1.2.840.10045.4.3.4']);

/** Far above a leaf + two CA certificates (the sample is 5.2 KB). */
const MAX_PKCS7_BYTES = 256 * 1024;

export interface CmcCertificates {
  /** The issued (end-entity) certificate, DER exactly as CM sent it. */
  readonly leaf: Buffer;
  /** The same certificate as Node opened it here: readers of its facts need not parse it again. */
  readonly leafX509: X509Certificate;
  /** The other certificates, issuer first where the chain links (leaf's issuer, its issuer, ...). */
  readonly chain: Buffer[];
}

function badCms(reason: string, extra: Record<string, string | number> = {}): StationError {
  return new StationError('ISSUANCE_BAD_CMS', `CM’s certificate answer is not a valid signed CMC response: ${reason}.`, { reason, ...extra });
}

/** The raw encodings CMS signatures cover: certificates as sent, the signer's signed attributes. */
interface RawParts {
  /** ContentInfo's contentType, read here so that @peculiar parses the tree once, from SignedData down. */
  readonly contentType: string;
  /**
   * The SignedData without its [0] certificates, for @peculiar to parse: the certificates are read
   * by Node's X509Certificate (once each) and the walk below, which is several times cheaper than
   * @peculiar's object tree for three certificates (bench/issuance.ts, pki/cms.ts was 4 ms a card).
   */
  readonly signedDataWithoutCertificates: Buffer;
  readonly certificates: Buffer[];
  readonly signedAttrs: (Buffer | null)[];
}

/** Walks ContentInfo -> SignedData for the raw bytes @peculiar's objects do not keep. */
function rawParts(der: Buffer): RawParts {
  const contentInfo = readChildren(readSingle(der, 0x30).value);
  const [type, explicit] = contentInfo;
  if (contentInfo.length !== 2 || !type || type.tag !== 0x06) throw new Error('ContentInfo is not { contentType, [0] content }');
  if (!explicit || explicit.tag !== 0xa0) throw new Error('no [0] content');
  const signedDataNode = readSingle(explicit.value, 0x30);
  const signedData = readChildren(signedDataNode.value);
  // version, digestAlgorithms, encapContentInfo, [0] certificates?, [1] crls?, signerInfos
  const certificates = signedData.find((node) => node.tag === 0xa0);
  const signerInfos = signedData[signedData.length - 1];
  if (!signerInfos || signerInfos.tag !== 0x31) throw new Error('no signerInfos');
  return {
    contentType: objectIdentifier(type),
    signedDataWithoutCertificates: encodeElement(0x30, Buffer.concat(signedData.filter((node) => node !== certificates).map((node) => node.raw))),
    certificates: certificates
      ? readChildren(certificates.value)
          .filter((node) => node.tag === 0x30)
          .map((node) => Buffer.from(node.raw))
      : [],
    signedAttrs: readChildren(signerInfos.value).map((info) => {
      const attrs = readChildren(info.value).find((node) => node.tag === 0xa0);
      // Signed over as an explicit SET OF (RFC 5652 §5.4): the [0] IMPLICIT tag becomes 31.
      return attrs ? Buffer.concat([Buffer.from([0x31]), attrs.raw.subarray(1)]) : null;
    }),
  };
}

function sameInteger(a: ArrayBuffer, b: Uint8Array): boolean {
  const strip = (bytes: Buffer) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    return bytes.subarray(start);
  };
  return strip(Buffer.from(a)).equals(strip(Buffer.from(b)));
}

/** A certificate as sent (what signatures cover), opened once by Node. */
interface SentCertificate {
  readonly der: Buffer;
  readonly x509: X509Certificate;
}

/** TBSCertificate's issuer and serialNumber as encoded (RFC 5280 §4.1: [0] version?, serialNumber, signature, issuer, ...). */
function issuerAndSerial(der: Buffer): { issuer: Buffer; serial: Buffer } {
  const tbs = readChildren(readSingle(der, 0x30).value)[0];
  if (!tbs || tbs.tag !== 0x30) throw badCms('a certificate has no TBSCertificate');
  const fields = readChildren(tbs.value);
  const [serial, , issuer] = fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
  if (!serial || serial.tag !== 0x02 || !issuer || issuer.tag !== 0x30) throw badCms('a certificate has no issuer and serial number');
  return { issuer: Buffer.from(issuer.raw), serial: Buffer.from(serial.value) };
}

function subjectKeyIdentifier(der: Buffer): Buffer | null {
  const extension = AsnConvert.parse(der, Certificate).tbsCertificate.extensions?.find((candidate) => candidate.extnID === id_ce_subjectKeyIdentifier);
  return extension ? Buffer.from(AsnConvert.parse(extension.extnValue, SubjectKeyIdentifier).buffer) : null;
}

function signerCertificate(signer: SignerInfo, certificates: readonly SentCertificate[]): SentCertificate {
  const byIssuerSerial = signer.sid.issuerAndSerialNumber;
  const bySki = signer.sid.subjectKeyIdentifier;
  const wantedIssuer = byIssuerSerial ? Buffer.from(AsnConvert.serialize(byIssuerSerial.issuer)) : null;
  const found = certificates.filter(({ der }) => {
    if (byIssuerSerial && wantedIssuer) {
      const sent = issuerAndSerial(der);
      return wantedIssuer.equals(sent.issuer) && sameInteger(byIssuerSerial.serialNumber, sent.serial);
    }
    // Rare (CAs name the signer by issuer and serial): only then is a certificate parsed in full.
    if (bySki) return subjectKeyIdentifier(der)?.equals(Buffer.from(bySki.buffer)) ?? false;
    return false;
  });
  const [certificate] = found;
  if (found.length !== 1 || !certificate) throw badCms('the signer’s certificate is not in the response');
  return certificate;
}

function singleAttribute(signer: SignerInfo, type: string): ArrayBuffer {
  const attributes = (signer.signedAttrs ?? []).filter((attribute) => attribute.attrType === type);
  const [attribute] = attributes;
  const [value] = attribute?.attrValues ?? [];
  if (attributes.length !== 1 || attribute?.attrValues.length !== 1 || !value) throw badCms(`signed attribute ${type} missing or repeated`);
  return value;
}

function verifySigner(signer: SignerInfo, signedAttrs: Buffer | null, eContentType: string, eContent: Buffer, certificates: readonly SentCertificate[]): void {
  const hash = DIGESTS.get(signer.digestAlgorithm.algorithm);
  if (!hash) throw badCms('unsupported digest algorithm', { algorithm: signer.digestAlgorithm.algorithm });
  const signatureAlgorithm = signer.signatureAlgorithm.algorithm;
  if (!RSA_SIGNATURES.has(signatureAlgorithm) && !ECDSA_SIGNATURES.has(signatureAlgorithm)) {
    throw badCms('unsupported signature algorithm', { algorithm: signatureAlgorithm });
  }
  let signed = eContent;
  if (signedAttrs) {
    // RFC 5652 §5.3: with signed attributes, content-type and message-digest must be present and match.
    const contentType = objectIdentifier(readSingle(Buffer.from(singleAttribute(signer, ID_CONTENT_TYPE)), 0x06));
    if (contentType !== eContentType) throw badCms('the signed content type differs from the content');
    const digest = readSingle(Buffer.from(singleAttribute(signer, ID_MESSAGE_DIGEST)), 0x04).value;
    if (!digest.equals(createHash(hash).update(eContent).digest())) throw badCms('the message digest does not match the content');
    signed = signedAttrs;
  }
  const { x509 } = signerCertificate(signer, certificates);
  const signature = Buffer.from(signer.signature.buffer);
  if (!verify(hash, signed, x509.publicKey, signature)) throw badCms('the CA signature does not verify');
}

/** RFC 5272 PKIResponse: every CMCStatusInfo(V2) in the control sequence must say success. */
function checkCmcStatus(eContent: Buffer): void {
  const response = readChildren(readSingle(eContent, 0x30).value);
  const controls = response[0];
  if (!controls || controls.tag !== 0x30) throw badCms('the PKIResponse has no control sequence');
  for (const control of readChildren(controls.value)) {
    const [, type, values] = readChildren(readSingle(control.raw, 0x30).value) as [DerNode?, DerNode?, DerNode?];
    if (!type || !values) throw badCms('a CMC control is malformed');
    const oid = objectIdentifier(type);
    if (oid !== ID_CMC_STATUS_INFO && oid !== ID_CMC_STATUS_INFO_V2) continue;
    for (const value of readChildren(values.value)) {
      const [status, , text] = readChildren(readSingle(value.raw, 0x30).value);
      if (!status) throw badCms('a CMC status is malformed');
      const code = smallInteger(status);
      if (code !== CMC_SUCCESS) {
        const statusString = text && text.tag === 0x0c ? text.value.toString('utf8').slice(0, 200) : '';
        throw badCms('the CA did not answer success', { cmcStatus: code, statusString });
      }
    }
  }
}

/** Orders the certificates: the one leaf (issuer of none, not self-signed), then up its chain. */
function leafAndChain(parsed: readonly SentCertificate[]): CmcCertificates {
  const leaves = parsed.filter(
    (candidate) => !candidate.x509.checkIssued(candidate.x509) && !parsed.some((other) => other !== candidate && other.x509.checkIssued(candidate.x509)),
  );
  const [leaf] = leaves;
  if (leaves.length !== 1 || !leaf) throw badCms('not exactly one end-entity certificate', { leaves: leaves.length });
  const chain: Buffer[] = [];
  const rest = parsed.filter((entry) => entry !== leaf);
  for (let current = leaf; ;) {
    const issuer = rest.find((candidate) => current.x509.checkIssued(candidate.x509));
    if (!issuer || issuer === current) break;
    chain.push(issuer.der);
    rest.splice(rest.indexOf(issuer), 1);
    current = issuer;
  }
  return { leaf: leaf.der, leafX509: leaf.x509, chain: [...chain, ...rest.map((entry) => entry.der)] };
}

/** Verifies CM's `Pkcs7` (base64) and returns the issued certificate and its chain. */
export function parseCmcResponse(pkcs7Base64: string): CmcCertificates {
  const der = decodeBase64(pkcs7Base64, MAX_PKCS7_BYTES);
  if (der === null) throw badCms('empty, too large or not base64');
  try {
    const raw = rawParts(der);
    if (raw.contentType !== ID_SIGNED_DATA) throw badCms('not SignedData', { contentType: raw.contentType });
    const signedData = AsnConvert.parse(raw.signedDataWithoutCertificates, SignedData);
    const { eContentType, eContent } = signedData.encapContentInfo;
    if (eContentType !== ID_CCT_PKI_RESPONSE) throw badCms('not a CMC PKIResponse', { eContentType });
    const content = eContent?.single ? Buffer.from(eContent.single.buffer) : null;
    if (!content) throw badCms('no encapsulated content');
    if (raw.certificates.length === 0) throw badCms('no certificates');
    if (signedData.signerInfos.length === 0 || signedData.signerInfos.length !== raw.signedAttrs.length) throw badCms('no signer');
    const sent = raw.certificates.map((certificateDer) => {
      try {
        return { der: certificateDer, x509: new X509Certificate(certificateDer) };
      } catch {
        // Node's words name no field; the reason is enough.
        throw badCms('the certificates do not parse');
      }
    });
    signedData.signerInfos.forEach((signer, index) => verifySigner(signer, raw.signedAttrs[index] ?? null, eContentType, content, sent));
    checkCmcStatus(content);
    return leafAndChain(sent);
  } catch (err) {
    if (err instanceof StationError) throw err;
    throw badCms('it does not parse', { cause: err instanceof Error ? err.message.slice(0, 200) : 'unknown' });
  }
}
