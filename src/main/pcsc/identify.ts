// Reads the identifier CM knows a card by: the PIV CHUID GUID, else the contactless UID, else the
// GlobalPlatform CPLC. One SHARED connection, a handful of APDUs, disconnect leaving the card as found.
import { bytesToHex, hexToBytes } from '../../shared/hex';
import type { CardIdentifier } from '../../shared/readers';
import type { CardConnection, PcscContext } from './binding';
import { shortResponseError, unresponsiveCardError } from './errors';
import { findTag, parseBerTlvFlat } from './tlv';

/** What identification needs from a context: the ability to connect to a reader. */
export type CardAccess = Pick<PcscContext, 'connect'>;

export interface IdentifyOptions {
  /**
   * Bound for the whole read. A mute card never answers and SCardTransmit would wait forever, so
   * after this the read fails with PCSC_UNRESPONSIVE_CARD (the disconnect follows once the card is
   * removed or answers).
   */
  readonly timeoutMs?: number;
}

export const DEFAULT_IDENTIFY_TIMEOUT_MS = 3_000;

/** PIV application AID, full form (SP 800-73-4 part 2 §2.2); the PIV session (piv/session.ts) selects it too. */
export const PIV_AID = [0xa0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00, 0x01, 0x00];
const SELECT_PIV = [0x00, 0xa4, 0x04, 0x00, PIV_AID.length, ...PIV_AID, 0x00];
/** GET DATA, tag list 5C 03 5F C1 02 = the Card Holder Unique Identifier object. */
const GET_CHUID = [0x00, 0xcb, 0x3f, 0xff, 0x05, 0x5c, 0x03, 0x5f, 0xc1, 0x02, 0x00];
/** PC/SC part 3 GET DATA pseudo-APDU: the reader answers with the contactless card's UID. */
const GET_UID = [0xff, 0xca, 0x00, 0x00, 0x00];
/** GlobalPlatform GET DATA for the Card Production Life Cycle data. */
const GET_CPLC = [0x80, 0xca, 0x9f, 0x7f, 0x00];

/**
 * Reads the card in `readerName`. Never fails because the card lacks an identifier ({kind:'none'});
 * fails with a StationError for PC/SC conditions: PCSC_SHARING_VIOLATION (another program holds the
 * card exclusively), PCSC_CARD_REMOVED (pulled mid-read), PCSC_CARD_RESET, PCSC_UNRESPONSIVE_CARD.
 *
 * There is no ATR check here: the addon offers no SCardStatus, so callers that must know the card
 * is still the one they saw compare against the monitor's insertion (as the monitor itself does).
 */
export async function readCardIdentity(access: CardAccess, readerName: string, options: IdentifyOptions = {}): Promise<CardIdentifier> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_IDENTIFY_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unresponsiveCardError(readerName, 'identify', timeoutMs)), timeoutMs);
  });
  const connecting = access.connect(readerName);
  try {
    const connection = await Promise.race([connecting, deadline]);
    try {
      return await Promise.race([identifyOver(connection), deadline]);
    } finally {
      // Queued behind a transmit that is still hanging (mute card): not awaited past the deadline.
      connection.disconnect().catch(() => {
        // Best-effort disconnect of a card that may be mute.
      });
    }
  } catch (err) {
    // A connect that completes after the deadline must still be released.
    connecting
      .then((late) => late.disconnect())
      .catch(() => {
        // A late connection is closed best-effort.
      });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

async function identifyOver(connection: CardConnection): Promise<CardIdentifier> {
  const select = await exchange(connection, SELECT_PIV);
  if (select.ok) {
    const chuid = await exchange(connection, GET_CHUID);
    const guid = chuid.ok ? chuidGuid(chuid.data) : null;
    if (guid) return { kind: 'piv-guid', value: guid };
  }
  const uid = await exchange(connection, GET_UID);
  if (uid.ok && uid.data.length > 0) return { kind: 'uid', value: bytesToHex(uid.data) };
  const cplc = await exchange(connection, GET_CPLC);
  const cplcId = cplc.ok ? cplcIdentifier(cplc.data) : null;
  if (cplcId) return { kind: 'cplc', value: cplcId };
  return { kind: 'none', value: null };
}

interface Response {
  readonly ok: boolean;
  readonly data: Uint8Array;
}

/**
 * One command, following T=0 style chaining: 61 xx (more data: GET RESPONSE) and 6C xx (wrong Le:
 * send again with Le = xx). A status word other than 90 00 is an answer, not a failure.
 */
async function exchange(connection: CardConnection, command: readonly number[]): Promise<Response> {
  let apdu = Uint8Array.from(command);
  const chunks: Uint8Array[] = [];
  for (let round = 0; round < 64; round++) {
    const response = await connection.transmit(apdu);
    if (response.length < 2) throw shortResponseError(connection.reader, response.length);
    const sw1 = response[response.length - 2] ?? 0;
    const sw2 = response[response.length - 1] ?? 0;
    chunks.push(response.subarray(0, response.length - 2));
    if (sw1 === 0x61) apdu = Uint8Array.from([0x00, 0xc0, 0x00, 0x00, sw2]);
    else if (sw1 === 0x6c) apdu = Uint8Array.from([...command.slice(0, command.length - 1), sw2]);
    else return { ok: sw1 === 0x90 && sw2 === 0x00, data: concat(chunks) };
  }
  return { ok: false, data: new Uint8Array() };
}

/** The GUID (tag 34) inside the CHUID container (tag 53); null if absent or all zeros. */
function chuidGuid(data: Uint8Array): string | null {
  try {
    const container = findTag(parseBerTlvFlat(data), '53');
    if (!container) return null;
    const guid = findTag(parseBerTlvFlat(hexToBytes(container.value)), '34');
    if (!guid || guid.value.length !== 32 || /^0+$/.test(guid.value)) return null;
    return formatCmGuid(hexToBytes(guid.value));
  } catch {
    // A malformed CHUID is "no PIV identifier", not a failed insertion.
    return null;
  }
}

/**
 * The CHUID GUID as a CM cardid: canonical lowercase `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`.
 *
 * Byte order: SP 800-73 stores the 16 bytes in RFC 4122 (big-endian) order, but CM is a .NET
 * application that receives the 16-byte card ID from the Windows minidriver (for PIV cards the inbox
 * minidriver uses these CHUID bytes as the card ID) and turns it into text with `new Guid(byte[])`,
 * which reads the first three fields little-endian (Microsoft's mixed-endian GUID struct). To match the
 * string CM stores and returns as `SerialNumber`, the first 4, next 2 and next 2 bytes are reversed
 * here; the last 8 are kept as stored. (Inference from how .NET and the minidriver work: confirm it
 * against a CM server's `GET /smartcards?cardid=` for a known PIV card before relying on it in
 * production; if CM turns out to keep RFC 4122 order, this is the one function to change.)
 */
export function formatCmGuid(bytes: Uint8Array): string {
  const hex = bytesToHex(bytes);
  const swap = (start: number, length: number) => bytesToHex(bytes.slice(start, start + length).reverse());
  return `${swap(0, 4)}-${swap(4, 2)}-${swap(6, 2)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * CPLC (tag 9F7F, 42 bytes): IC fabricator (2), IC type (2), OS id (2), OS date (2), OS level (2),
 * fabrication date (2), IC serial number (4), IC batch identifier (2), ... The serial number alone is
 * only unique per fabricator and type, so the identifier is the composite
 * `<fabricator>-<type>-<batch>-<serial>` in lowercase hex, e.g. `4790-5167-0102-12345678`.
 */
function cplcIdentifier(data: Uint8Array): string | null {
  try {
    const node = findTag(parseBerTlvFlat(data), '9f7f');
    const cplc = node ? node.value : bytesToHex(data);
    if (cplc.length < 42 * 2) return null;
    const field = (offset: number, length: number) => cplc.slice(offset * 2, (offset + length) * 2);
    return `${field(0, 2)}-${field(2, 2)}-${field(16, 2)}-${field(12, 4)}`;
  } catch {
    // A malformed CPLC is "no identifier", shown on the card panel, not a failure.
    return null;
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(chunks));
}
