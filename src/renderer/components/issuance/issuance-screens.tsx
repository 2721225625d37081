import { type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { lazyScreen } from '../../lazy-screen';
import type { ShownIssuance } from './issuance-view';
import type { HandOverState } from './use-hand-over';

/**
 * The issuance screens as the enrollment screen uses them. They appear only after a bind, so their
 * code is not in the first screen's bundle (quality.md, "Start-up and size"): it loads with the
 * other screens once the station is up (preloadIssuance), long before an operator finishes a bind.
 * Should it still be loading (an issuance under way when the screens start), a short status line
 * stands in for the issuance part alone; the rest of the screen stays as it is.
 */
const afterBind = () => import('./after-bind');
const LazyIssuancePanel = lazyScreen<{ state: ShownIssuance }>(async () => (await afterBind()).IssuancePanel);
const LazyIssuanceNeedsCm = lazyScreen(async () => (await afterBind()).IssuanceNeedsCm);
const LazyHandOver = lazyScreen<{ state: HandOverState }>(async () => (await afterBind()).HandOver);

export function preloadIssuance(): Promise<void> {
  return Promise.all([LazyIssuancePanel, LazyIssuanceNeedsCm, LazyHandOver].map((part) => part.preload())).then(() => undefined);
}

function Opening() {
  const { t } = useTranslation();
  return <p role="status">{t('app.loadingScreen')}</p>;
}

function Loading({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Opening />}>{children}</Suspense>;
}

/** The issuance part of a reader's panel, by phase (IssuancePanel.tsx). */
export function IssuancePanel({ state }: { state: ShownIssuance }) {
  return (
    <Loading>
      <LazyIssuancePanel state={state} />
    </Loading>
  );
}

/** After a done bind, when issuing needs CM (IssuanceOffer.tsx). */
export function IssuanceNeedsCm() {
  return (
    <Loading>
      <LazyIssuanceNeedsCm />
    </Loading>
  );
}

/** The card holder's screen (HandOver.tsx); while its code loads, nothing else is shown either. */
export function HandOver({ state }: { state: HandOverState }) {
  return (
    <Suspense
      fallback={
        <main className="hand-over">
          <Opening />
        </main>
      }
    >
      <LazyHandOver state={state} />
    </Suspense>
  );
}
