import { useTranslation } from 'react-i18next';
import type { SettingsView } from '../../../shared/settings';
import { problemText } from '../../wording';

/**
 * Where the machine policy came from. An invalid or refused one locks everything: say so first,
 * with the exact problems IT needs to fix. A development policy (--policy FILE) says it is one; no
 * policy at all says how IT configures the station.
 */
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
      {policy.changedSinceStart && (
        <div className="alert policy-changed" role="alert">
          <p>{t('machinePolicy.changed')}</p>
        </div>
      )}
      {policy.channel === 'development' && policy.source && (
        <div className="alert development-policy" role="alert">
          <p>{t('machinePolicy.development', { source: policy.source })}</p>
        </div>
      )}
      {policy.status === 'ok' && policy.source && policy.channel !== 'development' && (
        <p className="note">{t('settings.policySource', { source: policy.source })}</p>
      )}
      {policy.status === 'none' && <p className="note no-policy">{t('machinePolicy.noPolicy')}</p>}
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
