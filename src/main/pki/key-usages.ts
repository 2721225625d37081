import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate, id_ce_keyUsage, KeyUsage, KeyUsageFlags } from '@peculiar/asn1-x509';
import { StationError } from '../../shared/errors';
import { KEY_USAGE_AGREEMENT, KEY_USAGE_DECRYPT, KEY_USAGE_SIGN } from './slots';

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
