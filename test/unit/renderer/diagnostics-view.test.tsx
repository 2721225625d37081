import { act, cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DiagnosticsReport } from '../../../src/renderer/diagnostics';
import { applyLocale, initI18n } from '../../../src/renderer/i18n';
import type { AtrInfo } from '../../../src/shared/atr-info';
import { ATR, CARD_ID, OTHER_READER, READER, settingsView, snapshot } from './support/fixtures';
import { renderStation, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(() => cleanup());

const atrInfo: AtrInfo = {
  atr: ATR,
  ts: { byte: '3b', convention: 'direct' },
  t0: { byte: '8d', historicalLength: 13 },
  levels: [],
  protocols: [1],
  historical: { bytes: '80fba000000397425446590301', category: '80', content: { format: 'compact-tlv', objects: [], status: null } },
  tck: { present: true, required: true, byte: 'c8', valid: false, expected: 'c9' },
  contactless: null,
};

const report: DiagnosticsReport = {
  service: 'up',
  readers: [
    {
      name: READER,
      card: { atr: ATR, atrInfo, model: 'YubiKey 5 NFC', identifier: { kind: 'piv-guid', value: CARD_ID }, identifierError: null },
    },
    { name: OTHER_READER, card: null },
  ],
};

describe('diagnostics view', () => {
  it('runs diagnostics when opened and shows the service, each reader and the decoded ATR', async () => {
    let runs = 0;
    const station = await renderStation({
      'station.snapshot': () => snapshot(),
      'outbox.list': () => [],
      'diagnostics.run': () => {
        runs += 1;
        return report;
      },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Diagnostics' }));
    await settle();
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'Diagnostics' }));
    expect(station.callsTo('diagnostics.run')).toEqual([{}]);
    expect(screen.getByText('Running')).toBeTruthy();
    const reader = screen.getByRole('article', { name: READER });
    const atr = reader.querySelector('code.atr');
    expect(atr?.textContent).toBe('3B 8D 01 80 FB A0 00 00 03 97 42 54 46 59 03 01 C8');
    expect(within(reader).getByText('T=1')).toBeTruthy();
    expect(within(reader).getByText('Direct')).toBeTruthy();
    expect(within(reader).getByText('Wrong: expected C9')).toBeTruthy();
    expect(within(reader).getByText(CARD_ID)).toBeTruthy();
    expect(within(screen.getByRole('article', { name: OTHER_READER })).getByText('No card')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Run diagnostics again' }));
    await settle();
    expect(runs).toBe(2);
  });

  it('shows why an identifier could not be read, and an ATR that could not be decoded', async () => {
    await renderStation({
      'station.snapshot': () => snapshot(),
      'outbox.list': () => [],
      'diagnostics.run': (): DiagnosticsReport => ({
        service: 'down',
        readers: [
          {
            name: READER,
            card: {
              atr: '',
              atrInfo: null,
              model: null,
              identifier: { kind: 'none', value: null },
              identifierError: { code: 'PCSC_UNRESPONSIVE_CARD', message: 'The card does not answer.', details: {} },
            },
          },
        ],
      }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Diagnostics' }));
    await settle();
    expect(screen.getByText('Unavailable')).toBeTruthy();
    const reader = screen.getByRole('article', { name: READER });
    expect(within(reader).getByText(/^The card does not answer\. It may be inserted/)).toBeTruthy();
    expect(within(reader).getByText('PCSC_UNRESPONSIVE_CARD')).toBeTruthy();
    expect(within(reader).getByText('The ATR could not be decoded.')).toBeTruthy();
    expect(within(reader).getByText('Not in the card table')).toBeTruthy();
  });

  it('says so when the station cannot run diagnostics', async () => {
    await renderStation({ 'station.snapshot': () => snapshot(), 'outbox.list': () => [] });
    fireEvent.click(screen.getByRole('button', { name: 'Diagnostics' }));
    await settle();
    const alert = screen.getByRole('alert');
    expect(within(alert).getByText('Diagnostics could not run.')).toBeTruthy();
    expect(within(alert).getByText('UNKNOWN_CHANNEL')).toBeTruthy();
  });
});

describe('diagnostics view: machine policy', () => {
  it('puts a refused machine policy first, with its exact problem worded', async () => {
    const settings = settingsView({
      policy: {
        source: '/etc/enrollment-station/policy.json',
        status: 'invalid',
        problems: ['readerExclude[0]: "/(unclosed/" looks like a regular expression; reader patterns are globs only (* and ?), e.g. *Windows Hello*'],
        channel: 'linux-etc',
        keys: [],
        changedSinceStart: false,
      },
    });
    await renderStation({ 'station.snapshot': () => snapshot({ settings }), 'outbox.list': () => [], 'diagnostics.run': () => report });
    fireEvent.click(screen.getByRole('button', { name: 'Diagnostics' }));
    await settle();
    const problems = document.querySelector('.policy-problems') as HTMLElement;
    expect(problems.getAttribute('role')).toBe('alert');
    expect(within(problems).getByText(/readerExclude\[0\]: “\/\(unclosed\/” looks like a regular expression/)).toBeTruthy();
    expect(within(problems).getByText(/\/etc\/enrollment-station\/policy\.json/)).toBeTruthy();
  });
});

describe('diagnostics view: audit trail', () => {
  it('shows an intact chain, and a gap with the exact problems', async () => {
    const gap = 'the hash chain breaks at record 3 (entry 0000): the record was edited after it was written';
    let trail: DiagnosticsReport['auditTrail'] = { status: 'ok', records: 42, head: 'a'.repeat(64), problems: [] };
    await renderStation({
      'station.snapshot': () => snapshot(),
      'outbox.list': () => [],
      'diagnostics.run': (): DiagnosticsReport => ({ service: 'up', readers: [], auditTrail: trail }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Diagnostics' }));
    await settle();
    expect(screen.getByText('Intact (42 records)')).toBeTruthy();
    trail = { status: 'gap', records: 5, head: 'b'.repeat(64), problems: [gap] };
    fireEvent.click(screen.getByRole('button', { name: 'Run diagnostics again' }));
    await settle();
    expect(screen.getByText(/^Gap found: records were changed, removed or re-ordered/)).toBeTruthy();
    expect(within(screen.getByRole('alert')).getByText(gap)).toBeTruthy();
  });

  it("names the kind of gap (an anchor deleted is not a first start) and the OS log copy, in the operator's language", async () => {
    const detail = 'the chain anchor /data/audit.head is missing although the audit log exists (3 records)';
    await renderStation({
      'station.snapshot': () => snapshot(),
      'outbox.list': () => [],
      'diagnostics.run': (): DiagnosticsReport => ({
        service: 'up',
        readers: [],
        auditTrail: { status: 'gap', records: 3, head: 'c'.repeat(64), problems: [detail], gaps: ['anchor-missing'] },
        osLog: { sink: 'syslog', target: '/dev/log', written: 12, failed: 1, dropped: 0, queued: 0, lastError: 'refused' },
      }),
    });
    fireEvent.click(screen.getByRole('button', { name: 'Diagnostics' }));
    await settle();
    const alert = within(screen.getByRole('alert'));
    expect(alert.getByText(/^The chain anchor was deleted: .* This is not a first start\.$/)).toBeTruthy();
    expect(alert.getByText(detail)).toBeTruthy();
    expect(screen.getByText('/dev/log: 12 sent, 1 failed, 0 not sent')).toBeTruthy();
  });

  it('says how the smart card service was checked (in the operator language), and nothing for an older report', async () => {
    const mechanisms: [DiagnosticsReport['mechanism'], string, string][] = [
      [{ kind: 'pcscd-socket', path: '/run/pcscd/pcscd.comm' }, 'pcscd socket /run/pcscd/pcscd.comm', 'socket pcscd /run/pcscd/pcscd.comm'],
      [
        { kind: 'windows-service', command: 'sc.exe query SCardSvr' },
        'Windows Smart Card service (sc.exe query SCardSvr)',
        'service Carte à puce de Windows (sc.exe query SCardSvr)',
      ],
      [{ kind: 'pcsc-context' }, 'PC/SC context (macOS)', 'contexte PC/SC (macOS)'],
      [{ kind: 'simulated' }, 'Simulated readers (training)', 'lecteurs simulés (formation)'],
    ];
    for (const [mechanism, en, fr] of mechanisms) {
      resetStore();
      await renderStation({
        'station.snapshot': () => snapshot(),
        'outbox.list': () => [],
        'diagnostics.run': (): DiagnosticsReport => ({ service: 'up', mechanism, readers: [] }),
      });
      fireEvent.click(screen.getByRole('button', { name: 'Diagnostics' }));
      await settle();
      expect(screen.getByText('Checked through').nextElementSibling?.textContent).toBe(en);
      await act(() => applyLocale('fr'));
      expect(screen.getByText('Vérifié par').nextElementSibling?.textContent).toBe(fr);
      await act(() => applyLocale('en'));
      cleanup();
    }
    await act(() => applyLocale('en'));
    resetStore();
    await renderStation({ 'station.snapshot': () => snapshot(), 'outbox.list': () => [], 'diagnostics.run': () => ({ service: 'up', readers: [] }) });
    fireEvent.click(screen.getByRole('button', { name: 'Diagnostics' }));
    await settle();
    expect(screen.getByText('Running')).toBeTruthy();
    expect(screen.queryByText('Checked through')).toBeNull();
  });
});
