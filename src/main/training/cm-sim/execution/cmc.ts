import { createHash, sign, type KeyObject } from 'node:crypto';
import {
  Attribute,
  CertificateChoices,
  CertificateSet,
  ContentInfo,
  DigestAlgorithmIdentifiers,
  EncapsulatedContent,
  EncapsulatedContentInfo,
  IssuerAndSerialNumber,
  SignedData,
  SignerIdentifier,
  SignerInfo,
  SignerInfos,
  id_signedData,
} from '@peculiar/asn1-cms';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, Certificate } from '@peculiar/asn1-x509';

/**
 * The `Pkcs7` of a CM Certificate object: a CMC Full PKI Response (RFC 5272), as the example of
 * MIMDocs/reference/get-certificate-responses.md decodes: CMS SignedData whose eContentType is
 * id-cct-PKIResponse (1.3.6.1.5.5.7.12.3), a PKIResponse with one CMCStatusInfo "success" for body
 * part 1 and the status string "Issued", the certificates leaf + issuing CA + root, one SignerInfo of
 * the issuing CA with the signed attributes contentType and messageDigest. (The example also carries
 * a Microsoft cmcAddAttributes control; it is left out.)
 */

const OID = {
  pkiResponse: '1.3.6.1.5.5.7.12.3',
  cmcStatusInfo: '1.3.6.1.5.5.7.7.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  sha256: '2.16.840.1.101.3.4.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
} as const;

/** The few DER pieces the PKIResponse needs (asn1-schema's classes want decorators, which this build does not enable). */
function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length = n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}
const sequence = (...items: Buffer[]) => tlv(0x30, Buffer.concat(items));
/** DER sorts the elements of a SET OF by their encodings (X.690 11.6). */
const setOf = (...items: Buffer[]) => tlv(0x31, Buffer.concat([...items].sort(Buffer.compare)));
const smallInteger = (n: number) => tlv(0x02, Buffer.from([n]));
const utf8String = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const octetString = (b: Buffer) => tlv(0x04, b);

function objectIdentifier(dotted: string): Buffer {
  const [first = 0, second = 0, ...rest] = dotted.split('.').map(Number);
  const bytes = [first * 40 + second];
  for (const arc of rest) {
    const chunk = [arc & 0x7f];
    for (let v = arc >>> 7; v > 0; v >>>= 7) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** PKIResponse ::= SEQUENCE { controlSequence, cmsSequence, otherMsgSequence } with CMCStatusInfo success (0). */
function pkiResponse(): Buffer {
  const statusInfo = sequence(smallInteger(0), sequence(smallInteger(1)), utf8String('Issued'));
  const control = sequence(smallInteger(1), objectIdentifier(OID.cmcStatusInfo), setOf(statusInfo));
  return sequence(sequence(control), sequence(), sequence());
}

export interface CmcSigner {
  /** The issuing CA's certificate (DER) and its private key (P-256). */
  certificate: Buffer;
  key: KeyObject;
}

/** `Pkcs7` for one issued certificate, DER: signed by the issuing CA, carrying the chain leaf -> root. */
export function cmcFullPkiResponse(leafAndChain: Buffer[], signer: CmcSigner): Buffer {
  const eContent = pkiResponse();
  const attributes = [
    new Attribute({ attrType: OID.contentType, attrValues: [toArrayBuffer(objectIdentifier(OID.pkiResponse))] }),
    new Attribute({ attrType: OID.messageDigest, attrValues: [toArrayBuffer(octetString(createHash('sha256').update(eContent).digest()))] }),
  ];
  // Signed in DER order; the SignerInfo carries them in the same order.
  const encoded = attributes.map((a) => Buffer.from(AsnConvert.serialize(a)));
  const order = encoded.map((der, i) => ({ der, i })).sort((a, b) => Buffer.compare(a.der, b.der));
  const signature = sign('sha256', setOf(...encoded), { key: signer.key, dsaEncoding: 'der' });
  const ca = AsnConvert.parse(signer.certificate, Certificate);
  const signerInfo = new SignerInfo({
    version: 1,
    sid: new SignerIdentifier({
      issuerAndSerialNumber: new IssuerAndSerialNumber({ issuer: ca.tbsCertificate.issuer, serialNumber: ca.tbsCertificate.serialNumber }),
    }),
    digestAlgorithm: new AlgorithmIdentifier({ algorithm: OID.sha256 }),
    signedAttrs: order.map(({ i }) => attributes[i]!),
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 }),
    signature: new OctetString(toArrayBuffer(signature)),
  });
  const signedData = new SignedData({
    // CMS version 3: the encapsulated content is not id-data (RFC 5652 5.1); the example has 3 too.
    version: 3,
    digestAlgorithms: new DigestAlgorithmIdentifiers([new AlgorithmIdentifier({ algorithm: OID.sha256 })]),
    encapContentInfo: new EncapsulatedContentInfo({
      eContentType: OID.pkiResponse,
      eContent: new EncapsulatedContent({ single: new OctetString(toArrayBuffer(eContent)) }),
    }),
    certificates: new CertificateSet(leafAndChain.map((der) => new CertificateChoices({ certificate: AsnConvert.parse(der, Certificate) }))),
    signerInfos: new SignerInfos([signerInfo]),
  });
  const contentInfo = new ContentInfo({ contentType: id_signedData, content: AsnConvert.serialize(signedData) });
  return Buffer.from(AsnConvert.serialize(contentInfo));
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}
