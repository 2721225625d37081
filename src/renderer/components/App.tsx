import { useTranslation } from 'react-i18next';
import { useStation } from '../store';
import { AuditView } from './audit/AuditView';
import { DiagnosticsView } from './diagnostics/DiagnosticsView';
import { EnrollmentView } from './enrollment/EnrollmentView';
import { HandOver, useHandOver } from './issuance/HandOver';
import { NavBar } from './NavBar';
import { OutboxView } from './outbox/OutboxView';
import { SettingsPage } from './settings/SettingsPage';
import { StatusBar } from './StatusBar';

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
        {status === 'ready' && <CurrentView />}
      </main>
    </>
  );
}
