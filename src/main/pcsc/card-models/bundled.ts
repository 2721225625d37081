/**
 * Common PKI cards and tokens a badge office meets, from public knowledge (vendor documentation and
 * cards seen in the field). Each pattern is an ATR in hex where `..` stands for a byte that varies
 * between batches or firmware versions (often with the TCK that depends on it).
 *
 * This table is small on purpose: it names the cards the station is expected to handle even where
 * pcsc-tools is not installed (Windows), and it wins over the system list, whose naming is
 * community-contributed and inconsistent.
 */
export const BUNDLED_CARD_PATTERNS: readonly { readonly name: string; readonly pattern: string }[] = [
  { name: 'Yubico YubiKey 5 series (USB)', pattern: '3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40' },
  { name: 'Yubico YubiKey 5 NFC (over NFC)', pattern: '3B 8D 80 01 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 F9' },
  { name: 'Yubico YubiKey 4 (USB)', pattern: '3B F8 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 34 D4' },
  { name: 'Yubico YubiKey NEO (USB)', pattern: '3B FC 13 00 00 81 31 FE 15 59 75 62 69 6B 65 79 4E 45 4F 72 33 E1' },
  // RID A0 00 00 03 97 is Microsoft's; "BTFY" then the VSC version. The MIM CM docs' example ATR.
  { name: 'Microsoft TPM virtual smart card', pattern: '3B 8D 01 80 FB A0 00 00 03 97 42 54 46 59 .. .. ..' },
  { name: 'Thales IDPrime MD (T=0)', pattern: '3B 7F .. 00 00 80 31 80 65 B0 .. .. .. .. 12 0F FE 82 90 00' },
  { name: 'Thales IDPrime 930/940 (T=1)', pattern: '3B FF .. 00 00 81 31 FE 43 80 31 80 65 B0 .. .. .. .. 12 0F FD 82 90 00 ..' },
  { name: 'Thales SafeNet eToken 5300', pattern: '3B FF 96 00 00 81 31 FE 43 80 31 80 65 B0 84 56 51 10 12 01 78 82 90 00 6A' },
  { name: 'Gemalto IDPrime .NET', pattern: '3B 16 96 41 73 74 72 69 64' },
  { name: 'SafeNet eToken PRO Java 72K', pattern: '3B D5 18 00 81 31 3A 7D 80 73 C8 21 10 30' },
  { name: 'IDEMIA ID-One PIV (Cosmo V8)', pattern: '3B D6 97 00 81 B1 FE 45 1F 87 80 31 C1 52 .. 1A ..' },
  { name: 'IDEMIA Cosmo V8 PIV (over NFC)', pattern: '3B 86 80 01 80 31 C1 52 .. .. ..' },
  { name: 'Oberthur ID-One PIV', pattern: '3B DB 96 00 80 B1 FE 45 1F 83 00 31 C0 64 B0 FC 10 00 0F 90 00 0D' },
  { name: 'Oberthur CosmopolIC 32K v4 (DoD CAC)', pattern: '3B 7F 11 00 00 00 31 C0 53 CA C4 01 64 52 D9 04 00 82 90 00' },
  { name: 'Giesecke+Devrient Sm@rtCafe Expert 7.0', pattern: '3B F9 96 00 00 80 31 FE 45 53 43 45 37 20 .. .. .. .. ..' },
  { name: 'NXP JCOP 4 (J3R200)', pattern: '3B DC 96 FF 81 11 FE 80 31 C8 54 43 56 35 07 73 FF A1 C0 3C' },
  { name: 'NXP JCOP 4 P71 (over NFC)', pattern: '3B 85 80 01 80 73 C8 21 10 0E' },
  { name: 'Feitian ePass2003', pattern: '3B 9F 95 81 31 FE 9F 00 66 46 53 05 .. .. .. 71 DF 00 00 .. .. .. ..' },
  { name: 'HID Crescendo C2300', pattern: '3B D5 96 FF 81 91 FE 1F C3 43 32 33 30 30 CC' },
  { name: 'CardContact SmartCard-HSM (USB)', pattern: '3B DE 18 FF 81 91 FE 1F C3 80 31 81 54 48 53 4D 31 73 80 21 40 81 07 1C' },
  // The virtual card the integration tests run in vpcd.
  { name: 'vsmartcard virtual ISO 7816 card', pattern: '3B 95 13 81 01 80 73 FF 01 00 0B' },
];
