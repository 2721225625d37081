import type { CmRequest } from '../shared/cm';
import type { BindPayload, RequestSearchResult } from '../shared/enrollment';
import type { ErrorCode, ErrorParams, ErrorPayload } from '../shared/errors';
import type { OutboxOperation } from '../shared/outbox';

/** Pure formatting helpers for the screens (no React, no i18n: callers word the results). */

/** Groups hex into bytes so an operator can read an ATR aloud; the copy button gives the raw form. */
export function formatHex(hex: string): string {
  return (hex.match(/.{1,2}/g) ?? []).join(' ').toUpperCase();
}

function validDate(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** "HH:MM" on the station's clock (24-hour, local time zone); the raw text when it is not a date. */
export function formatClock(iso: string, timeZone?: string): string {
  const date = validDate(iso);
  if (!date) return iso;
  const parts = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).formatToParts(date);
  const hour = parts.find((p) => p.type === 'hour')?.value ?? '00';
  const minute = parts.find((p) => p.type === 'minute')?.value ?? '00';
  return `${hour}:${minute}`;
}

/** "YYYY-MM-DD HH:MM:SS" local time: unambiguous in every locale, sortable, readable aloud. */
export function formatDateTime(iso: string, timeZone?: string): string {
  const date = validDate(iso);
  if (!date) return iso;
  const parts = new Intl.DateTimeFormat('en-GB', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')}`;
}

/** Where a request list came from, as the list's label needs it. */
export type ListSource = { kind: 'live' } | { kind: 'cache'; at: string | null } | { kind: 'none' };

export function listSource(result: Pick<RequestSearchResult, 'source' | 'syncedAt'>, timeZone?: string): ListSource {
  if (result.source === 'live') return { kind: 'live' };
  if (result.source === 'cache') return { kind: 'cache', at: result.syncedAt ? formatClock(result.syncedAt, timeZone) : null };
  return { kind: 'none' };
}

/**
 * The bind payload exactly as it will be sent, keys in the order POST /smartcards documents them.
 * Built from the payload the station computed, never re-assembled from the card or the request.
 */
export function bindPayloadJson(payload: BindPayload): string {
  return JSON.stringify({ requestid: payload.requestid, cardid: payload.cardid, atr: payload.atr }, null, 2);
}

/** An error reduced to what the operator sees and quotes: the outbox stores errors this way. */
export interface ErrorSummary {
  code: ErrorCode;
  /** English, for logs: the screens word `code` with `params` instead. */
  message: string;
  params?: ErrorParams;
  correlationId: string | null;
  /** CM's own words, verbatim (bounded), when CM said something. */
  serverMessage?: string | null;
}

export function errorSummary(error: ErrorPayload): ErrorSummary {
  const server = error.details['serverMessage'];
  return {
    code: error.code,
    message: error.message,
    ...(error.params ? { params: error.params } : {}),
    correlationId: correlationIdOf(error),
    serverMessage: typeof server === 'string' ? server : null,
  };
}

/** CM failures carry the server's correlation id in `details.correlationId`. */
export function correlationIdOf(error: ErrorPayload): string | null {
  const value = error.details['correlationId'];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** The target user as CM's REST API gives it: the display name when a directory lookup filled it. */
export function targetUserLabel(request: Pick<CmRequest, 'targetUserDisplayName' | 'targetUserUuid'>): string | null {
  return request.targetUserDisplayName ?? request.targetUserUuid;
}

export function templateLabel(request: Pick<CmRequest, 'profileTemplateName' | 'profileTemplateUuid'>): string | null {
  return request.profileTemplateName ?? request.profileTemplateUuid;
}

export interface OutboxCounts {
  /** Waiting to be sent or being sent. */
  pending: number;
  needsAttention: number;
}

export function outboxCounts(operations: readonly Pick<OutboxOperation, 'state'>[]): OutboxCounts {
  let pending = 0;
  let needsAttention = 0;
  for (const op of operations) {
    if (op.state === 'pending' || op.state === 'sending') pending += 1;
    else if (op.state === 'needs-attention') needsAttention += 1;
  }
  return { pending, needsAttention };
}

const DATE_INPUT = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * A date field's value (`YYYY-MM-DD`, the operator's local day) as the ISO instant the day starts.
 * `dayOffset` 1 gives the start of the next day: the exclusive upper bound of a "to" date.
 */
export function localDayStart(value: string, dayOffset = 0): string | undefined {
  const match = DATE_INPUT.exec(value);
  if (!match) return undefined;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + dayOffset);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** One entry per line, blank lines dropped: how list settings are edited in a text area. */
export function parseLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** The first few characters of a GUID: enough to tell requests apart when read aloud. */
export function shortGuid(guid: string): string {
  return guid.slice(0, 8);
}
