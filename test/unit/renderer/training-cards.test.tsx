import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initI18n } from '../../../src/renderer/i18n';
import { ATR, OTHER_READER, READER, snapshot } from './support/fixtures';
import { Refusal, renderStation, resetStore, settle } from './support/station';

beforeAll(() => initI18n());
beforeEach(() => resetStore());
afterEach(() => cleanup());

const info = {
  readers: [READER, OTHER_READER],
  samples: [
    { id: 'piv', label: 'PIV card (YubiKey 5)', atr: ATR },
    { id: 'mifare', label: 'MIFARE DESFire', atr: '3b8180018080' },
  ],
};

describe('training cards', () => {
  it('inserts and removes sample cards in the simulated readers and resets the simulator', async () => {
    const station = await renderStation({
      'station.snapshot': () => snapshot({ training: true }),
      'outbox.list': () => [],
      'training.info': () => info,
      'training.insertCard': () => ({}),
      'training.removeCard': () => ({}),
      'training.reset': () => ({}),
    });
    await settle();
    const panel = screen.getByRole('region', { name: 'Training cards' });
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Simulated reader' }), { target: { value: OTHER_READER } });
    fireEvent.change(within(panel).getByRole('combobox', { name: 'Sample card' }), { target: { value: 'mifare' } });
    fireEvent.click(within(panel).getByRole('button', { name: 'Insert the sample card' }));
    await settle();
    expect(station.callsTo('training.insertCard')).toEqual([{ reader: OTHER_READER, sampleId: 'mifare' }]);
    expect(within(panel).getByRole('status').textContent).toBe('Sample card inserted.');

    fireEvent.click(within(panel).getByRole('button', { name: 'Remove the card' }));
    await settle();
    expect(station.callsTo('training.removeCard')).toEqual([{ reader: OTHER_READER }]);

    fireEvent.click(within(panel).getByRole('button', { name: 'Reset the training data' }));
    await settle();
    expect(station.callsTo('training.reset')).toEqual([{}]);
    expect(within(panel).getByRole('status').textContent).toMatch(/every sample card can be bound again/);
  });

  it('is not shown outside training mode', async () => {
    const station = await renderStation({ 'station.snapshot': () => snapshot(), 'outbox.list': () => [] });
    await settle();
    expect(screen.queryByRole('region', { name: 'Training cards' })).toBeNull();
    expect(station.callsTo('training.info')).toEqual([]);
  });

  it('says what the simulator refused', async () => {
    await renderStation({
      'station.snapshot': () => snapshot({ training: true }),
      'outbox.list': () => [],
      'training.info': () => new Refusal({ code: 'TRAINING_FORBIDDEN', message: 'This is only available in training mode.', details: {} }),
    });
    await settle();
    const alert = within(screen.getByRole('region', { name: 'Training cards' })).getByRole('alert');
    expect(within(alert).getByText('This is only available in training mode.')).toBeTruthy();
  });
});
