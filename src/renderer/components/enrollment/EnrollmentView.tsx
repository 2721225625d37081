import { useTranslation } from 'react-i18next';
import { useStation } from '../../store';
import { FocusHeading } from '../FocusHeading';
import { BatchPanel } from './BatchPanel';
import { ReaderPanel } from './ReaderPanel';
import { TrainingCards } from './TrainingCards';

/** One panel per reader; the selected one (by default the latest card's) shows the whole flow. */
export function EnrollmentView() {
  const { t } = useTranslation();
  const navigation = useStation((s) => s.navigation);
  const readers = useStation((s) => s.readers);
  const training = useStation((s) => s.training);
  return (
    <section className="view readers" aria-labelledby="view-heading">
      <FocusHeading level={2} id="view-heading" focusKey={navigation} focusOnMount={navigation > 0}>
        {t('nav.enrollment')}
      </FocusHeading>
      <div role="status" aria-live="polite" className="service-state">
        {readers.service === 'down' && <p className="alert">{t('readers.serviceDown')}</p>}
        {readers.service === 'starting' && <p>{t('readers.serviceStarting')}</p>}
        {readers.service === 'up' && readers.readers.length === 0 && <p>{t('readers.none')}</p>}
      </div>
      <BatchPanel />
      <div className="reader-list">
        {readers.readers.map((reader) => (
          <ReaderPanel key={reader.name} name={reader.name} />
        ))}
      </div>
      {training && <TrainingCards />}
    </section>
  );
}
