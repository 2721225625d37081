import { useTranslation } from 'react-i18next';
import { useStation } from '../store';
import { ReadersPanel } from './ReadersPanel';
import { StatusBar } from './StatusBar';

export function App() {
  const { t } = useTranslation();
  const status = useStation((s) => s.status);
  const failure = useStation((s) => s.failure);
  return (
    <>
      <StatusBar />
      <main>
        {status === 'connecting' && <p role="status">{t('app.connecting')}</p>}
        {status === 'failed' && (
          <p role="alert" className="alert">
            {t('app.failed', { reason: failure ?? '' })}
          </p>
        )}
        {status === 'ready' && <ReadersPanel />}
      </main>
    </>
  );
}
