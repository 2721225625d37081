import { Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { preloadLocales } from '../i18n';
import { lazyScreen } from '../lazy-screen';
import { useStation } from '../store';
import { EnrollmentView } from './enrollment/EnrollmentView';
import { HandOver, preloadIssuance } from './issuance/issuance-screens';
import { useHandOver } from './issuance/use-hand-over';
import { NavBar } from './NavBar';
import { StatusBar } from './StatusBar';

// The first screen (enrollment) is in the entry chunk; each other screen's code (and the issuance
// screens', issuance-screens.tsx) loads when first shown, and is fetched in the background once the
// station is ready.
const OutboxView = lazyScreen(async () => (await import('./outbox/OutboxView')).OutboxView);
const AuditView = lazyScreen(async () => (await import('./audit/AuditView')).AuditView);
const DiagnosticsView = lazyScreen(async () => (await import('./diagnostics/DiagnosticsView')).DiagnosticsView);
const SettingsPage = lazyScreen(async () => (await import('./settings/SettingsPage')).SettingsPage);

/**
 * Loads every screen's code and every language's strings (after the first screen is up, and before
 * tests render the app): a switch of language in Settings is then as immediate as with English.
 */
export function preloadScreens(): Promise<void> {
  const screens = [OutboxView, AuditView, DiagnosticsView, SettingsPage].map((screen) => screen.preload());
  return Promise.all([...screens, preloadIssuance(), preloadLocales()]).then(() => undefined);
}

function CurrentView() {
  const view = useStation((s) => s.view);
  switch (view) {
    case 'enrollment':
      return <EnrollmentView />;
    case 'outbox':
      return <OutboxView />;
    case 'audit':
      return <AuditView />;
    case 'diagnostics':
      return <DiagnosticsView />;
    case 'settings':
      return <SettingsPage />;
  }
}

export function App() {
  const { t } = useTranslation();
  const status = useStation((s) => s.status);
  const failure = useStation((s) => s.failure);
  const handOver = useHandOver();
  // The card holder's turn (choose a PIN, note CM's PIN): that screen alone, nothing else shown.
  if (status === 'ready' && handOver) return <HandOver state={handOver} />;
  return (
    <>
      <StatusBar />
      {status === 'ready' && <NavBar />}
      <main>
        {status === 'connecting' && <p role="status">{t('app.connecting')}</p>}
        {status === 'failed' && (
          <p role="alert" className="alert">
            {t('app.failed', { reason: failure ?? '' })}
          </p>
        )}
        {status === 'ready' && (
          <Suspense fallback={<p role="status">{t('app.loadingScreen')}</p>}>
            <CurrentView />
          </Suspense>
        )}
      </main>
    </>
  );
}
