import { act, cleanup, render, screen } from '@testing-library/react';
import { Suspense } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { lazyScreen } from '../../../src/renderer/lazy-screen';

afterEach(() => cleanup());

function Loaded() {
  return <h2>Loaded screen</h2>;
}

describe('lazyScreen', () => {
  it('shows the fallback while the code loads, then the screen', async () => {
    let release: (() => void) | undefined;
    const Screen = lazyScreen(() => new Promise((resolve) => (release = () => resolve(Loaded))));
    // React retries a component suspended by `use` only inside an awaited act (as the app does outside tests).
    await act(async () => {
      render(
        <Suspense fallback={<p role="status">loading</p>}>
          <Screen />
        </Suspense>,
      );
    });
    expect(screen.getByRole('status').textContent).toBe('loading');
    await act(async () => release?.());
    expect(await screen.findByRole('heading', { name: 'Loaded screen' })).toBeTruthy();
  });

  it('renders at once, without a loading step, once preloaded; the code is fetched once', async () => {
    let loads = 0;
    const Screen = lazyScreen(async () => {
      loads++;
      return Loaded;
    });
    await Screen.preload();
    await Screen.preload();
    render(
      <Suspense fallback={<p role="status">loading</p>}>
        <Screen />
      </Suspense>,
    );
    expect(screen.queryByRole('status')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Loaded screen' })).toBeTruthy();
    expect(loads).toBe(1);
  });
});
