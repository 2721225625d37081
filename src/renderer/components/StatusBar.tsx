import { useTranslation } from 'react-i18next';
import { useStation } from '../store';

export function StatusBar() {
  const { t } = useTranslation();
  const connection = useStation((s) => s.connection);
  const training = useStation((s) => s.training);
  const text =
    connection.mode === 'online'
      ? t('connection.online')
      : connection.mode === 'offline'
        ? t('connection.offline', { since: new Date(connection.since).toLocaleTimeString() })
        : t('connection.unconfigured');
  return (
    <header className="status-bar">
      <h1>{t('app.title')}</h1>
      {training && (
        <p className="training-badge" role="note" aria-label={t('app.trainingNotice')}>
          {t('app.training')}
        </p>
      )}
      <p className={`connection connection-${connection.mode}`} role="status" aria-live="polite">
        <span aria-hidden="true">{connection.mode === 'online' ? '● ' : '○ '}</span>
        {text}
      </p>
    </header>
  );
}
