import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CopyButton } from '../../../src/renderer/components/CopyButton';
import { initI18n } from '../../../src/renderer/i18n';

beforeAll(() => initI18n());
afterEach(() => cleanup());

function clipboard(writeText: (text: string) => Promise<void>) {
  Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
}

describe('copy button', () => {
  it('copies the raw value and says so', async () => {
    const written: string[] = [];
    clipboard(async (text) => void written.push(text));
    render(<CopyButton value="3b8d01" label="ATR" />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy ATR' })));
    expect(written).toEqual(['3b8d01']);
    expect(screen.getByRole('button', { name: 'Copy ATR' }).textContent).toBe('Copied');
  });

  it('tells the operator what to do when the clipboard refuses', async () => {
    clipboard(async () => {
      throw new Error('denied');
    });
    render(<CopyButton value="3b8d01" label="ATR" />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Copy ATR' })));
    expect(screen.getByRole('status').textContent).toMatch(/select the text and press Ctrl\+C/);
  });
});
