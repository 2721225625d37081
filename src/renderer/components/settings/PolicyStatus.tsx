import { useTranslation } from 'react-i18next';
import type { SettingsView } from '../../../shared/settings';
import { problemText } from '../../wording';

/** An invalid policy locks everything: say so first, with the exact problems IT needs to fix. */
export function PolicyStatus({ settings }: { settings: SettingsView }) {
  const { t } = useTranslation();
  const { policy, user } = settings;
  return (
    <>
      {policy.status === 'invalid' && (
        <div className="alert policy-problems" role="alert">
          <p className="alert-context">{t('settings.policyInvalid')}</p>
          {policy.source && <p>{t('settings.policySource', { source: policy.source })}</p>}
          <ul>
            {policy.problems.map((problem) => (
              <li key={problem}>{problemText(t, problem)}</li>
            ))}
          </ul>
        </div>
      )}
      {policy.status === 'ok' && policy.source && <p className="note">{t('settings.policySource', { source: policy.source })}</p>}
      {user.status === 'reset' && (
        <div className="alert" role="alert">
          <p className="alert-context">{t('settings.userReset')}</p>
          <ul>
            {user.problems.map((problem) => (
              <li key={problem}>{problemText(t, problem)}</li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
