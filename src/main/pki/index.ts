// PKI formats for desk issuance: other folders import from here only.
export { buildCsr, hashFromOption, keyUsageFlags, pkcs1v15Block } from './csr';
export type { CsrInput, HashName } from './csr';
export { normaliseSpki } from './match';
export { chooseSlots, preferredSlot, KEY_USAGE_AGREEMENT, KEY_USAGE_DECRYPT, KEY_USAGE_SIGN } from './slots';
export { encodeX500Name, encodeX500NameDer, parseX500 } from './x500';
export type { X500Attribute } from './x500';
export { parseCmcResponse } from './cms';
export type { CmcCertificates } from './cms';
export { decodePfx } from './pfx';
export type { PfxContents } from './pfx';
export { keyAlgorithmFromOption } from './options';
export { keyUsagesOf } from './key-usages';
