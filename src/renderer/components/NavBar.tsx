import { useTranslation } from 'react-i18next';
import { outboxCounts } from '../format';
import { navigate, useStation, VIEWS } from '../store';

/** The screens, as plain buttons: Tab reaches them, Enter or Space opens one. */
export function NavBar() {
  const { t } = useTranslation();
  const view = useStation((s) => s.view);
  const outbox = useStation((s) => s.outbox);
  const counts = outboxCounts(outbox);
  const showCounts = counts.pending + counts.needsAttention > 0;
  return (
    <nav className="nav" aria-label={t('nav.label')}>
      <ul>
        {VIEWS.map((name) => (
          <li key={name}>
            <button
              type="button"
              className={['nav-item', name === view ? 'current' : '', name === 'outbox' && counts.needsAttention > 0 ? 'attention' : ''].join(' ')}
              aria-current={name === view ? 'page' : undefined}
              onClick={() => navigate(name)}
            >
              {name === 'outbox' && showCounts ? t('nav.outboxCounts', { pending: counts.pending, attention: counts.needsAttention }) : t(`nav.${name}`)}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
