import { describe, expect, it } from 'vitest';
import {
  bindPayloadJson,
  correlationIdOf,
  errorSummary,
  formatClock,
  formatDateTime,
  formatHex,
  listSource,
  localDayStart,
  outboxCounts,
  parseLines,
  shortGuid,
  targetUserLabel,
  templateLabel,
} from '../../../src/renderer/format';
import { draftChanges, toDraft } from '../../../src/renderer/components/settings/draft';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { managedKeys, payload } from './support/fixtures';

describe('format', () => {
  it('spaces hex into upper-case bytes', () => {
    expect(formatHex('3b8d01')).toBe('3B 8D 01');
    expect(formatHex('')).toBe('');
  });

  it('formats clock times and date-times in a given zone, 24-hour', () => {
    expect(formatClock('2026-11-23T13:05:59.000Z', 'UTC')).toBe('13:05');
    expect(formatClock('2026-11-23T23:30:00.000Z', 'Europe/Paris')).toBe('00:30');
    expect(formatClock('not a date')).toBe('not a date');
    expect(formatDateTime('2026-01-02T03:04:05.000Z', 'UTC')).toBe('2026-01-02 03:04:05');
  });

  it('labels a request list by its source and age', () => {
    expect(listSource({ source: 'live', syncedAt: null })).toEqual({ kind: 'live' });
    expect(listSource({ source: 'cache', syncedAt: '2026-11-23T07:45:00.000Z' }, 'UTC')).toEqual({ kind: 'cache', at: '07:45' });
    expect(listSource({ source: 'cache', syncedAt: null })).toEqual({ kind: 'cache', at: null });
    expect(listSource({ source: 'none', syncedAt: null })).toEqual({ kind: 'none' });
  });

  it('prints the bind payload with exactly its three keys, in order', () => {
    const json = bindPayloadJson({ ...payload, extra: 'never sent' } as typeof payload);
    expect(Object.keys(JSON.parse(json))).toEqual(['requestid', 'cardid', 'atr']);
    expect(JSON.parse(json)).toEqual(payload);
  });

  it('finds the correlation id of a CM failure', () => {
    const error = { code: 'CM_SERVER_ERROR' as const, message: 'CM failed', details: { correlationId: 'abc' } };
    expect(correlationIdOf(error)).toBe('abc');
    expect(correlationIdOf({ ...error, details: { correlationId: 42 } })).toBeNull();
    expect(errorSummary(error)).toEqual({ code: 'CM_SERVER_ERROR', message: 'CM failed', correlationId: 'abc', serverMessage: null });
    // CM's own words travel beside the station's.
    expect(errorSummary({ ...error, details: { serverMessage: 'Échec : carte déjà attribuée.' } }).serverMessage).toBe('Échec : carte déjà attribuée.');
  });

  it('names the target user and template by name, else by GUID', () => {
    expect(targetUserLabel({ targetUserDisplayName: 'Alice', targetUserUuid: 'u' })).toBe('Alice');
    expect(targetUserLabel({ targetUserDisplayName: null, targetUserUuid: 'u' })).toBe('u');
    expect(targetUserLabel({ targetUserDisplayName: null, targetUserUuid: null })).toBeNull();
    expect(templateLabel({ profileTemplateName: null, profileTemplateUuid: 't' })).toBe('t');
  });

  it('counts pending (pending + sending) and needs-attention operations', () => {
    const states = ['pending', 'sending', 'done', 'needs-attention', 'discarded', 'needs-attention'] as const;
    expect(outboxCounts(states.map((state) => ({ state })))).toEqual({ pending: 2, needsAttention: 2 });
  });

  it('turns a local date into the instant the day starts (or the next day starts)', () => {
    expect(localDayStart('2026-11-23')).toBe(new Date(2026, 10, 23).toISOString());
    expect(localDayStart('2026-11-30', 1)).toBe(new Date(2026, 11, 1).toISOString());
    expect(localDayStart('')).toBeUndefined();
    expect(localDayStart('23/11/2026')).toBeUndefined();
  });

  it('splits list text into trimmed non-empty lines; shortens GUIDs', () => {
    expect(parseLines(' a \r\n\n b\n')).toEqual(['a', 'b']);
    expect(shortGuid('7b7f0c1c-3c3a-4f43-9d4e-1a2b3c4d5e6f')).toBe('7b7f0c1c');
  });
});

describe('settings draft', () => {
  it('sends only changed, unmanaged settings, typed', () => {
    const draft = toDraft(DEFAULT_SETTINGS);
    expect(draft.readerExclude).toBe('*Windows Hello*');
    const edited = { ...draft, cmTimeoutMs: '20000', trainingMode: true, readerExclude: '*Windows Hello*\n', updateFeedUrl: 'https://x' };
    expect(draftChanges(edited, DEFAULT_SETTINGS, managedKeys('updateFeedUrl'))).toEqual({
      update: { cmTimeoutMs: 20000, trainingMode: true },
      invalid: [],
    });
  });

  it('reports number fields that are not whole numbers', () => {
    const draft = { ...toDraft(DEFAULT_SETTINGS), outboxRetentionDays: '3.5' };
    expect(draftChanges(draft, DEFAULT_SETTINGS, {}).invalid).toEqual(['outboxRetentionDays']);
  });
});
