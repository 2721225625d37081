import { useTranslation } from 'react-i18next';
import { formatClock } from '../format';
import { connectionReasonText } from '../wording';
import { useStation } from '../store';

/** The banner on every screen: CM reachability in words (not only colour) and the training label. */
export function StatusBar() {
  const { t } = useTranslation();
  const connection = useStation((s) => s.connection);
  const training = useStation((s) => s.training);
  // Until the station's first snapshot the renderer knows nothing of CM: it says nothing of it
  // (the page says it is connecting), rather than "not configured".
  const known = useStation((s) => s.status === 'ready');
  return (
    <header className="status-bar">
      <h1>{t('app.title')}</h1>
      {training && (
        <p className="training-badge" role="note" aria-label={t('app.trainingNotice')}>
          {t('app.training')}
        </p>
      )}
      {known && (
        <div className={`connection connection-${connection.mode}`} role="status" aria-live="polite" aria-atomic="true">
          <p className="connection-state">
            <span aria-hidden="true">{connection.mode === 'online' ? '● ' : connection.mode === 'offline' ? '▲ ' : '○ '}</span>
            {connection.mode === 'online' && t('connection.online')}
            {connection.mode === 'offline' && t('connection.offline', { since: formatClock(connection.since) })}
            {connection.mode === 'unconfigured' && t('connection.unconfigured')}
          </p>
          {connection.mode === 'offline' && connection.reason !== '' && (
            <p className="connection-reason">{t('connection.offlineReason', { reason: connectionReasonText(t, connection.reason) })}</p>
          )}
        </div>
      )}
    </header>
  );
}
