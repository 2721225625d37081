import { useTranslation } from 'react-i18next';
import type { DirectoryAnswer } from '../../../shared/directory';
import { formatClock } from '../../format';
import { usePeople } from '../../people';

/** Whether the names beside the GUIDs can be trusted: none configured, live, or the offline copy. */
export function DirectoryNote({ people }: { people: DirectoryAnswer | undefined }) {
  const { t } = useTranslation();
  const kind = usePeople((s) => s.kind);
  if (kind === 'none' || people?.state === 'unconfigured') {
    return <p className="directory-note">{t('people.unavailable')}</p>;
  }
  if (people?.state === 'answered' && people.failure) {
    return (
      <p className="directory-note warning">
        {t(`people.failure.${people.failure}`)} {people.cachedAt ? t('people.fromCopy', { time: formatClock(people.cachedAt) }) : t('people.noCopy')}
      </p>
    );
  }
  return null;
}
