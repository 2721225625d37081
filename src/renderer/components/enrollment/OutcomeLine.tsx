import { useTranslation } from 'react-i18next';
import type { StepOutcome } from '../../../shared/enrollment';
import { errorSummary } from '../../format';
import { cmWord, errorText } from '../../wording';
import { ErrorNotice } from '../ErrorNotice';

/** One operation's state in words (never colour alone): sending, queued (with its last failure), done, refused. */
export function OutcomeLine({ kind, outcome }: { kind: 'bind' | 'retire'; outcome: StepOutcome }) {
  const { t } = useTranslation();
  const text = {
    sending: t('outcome.sending'),
    queued: t('outcome.queuedShort'),
    done: t('outcome.done'),
    'needs-attention': t('outcome.needsAttention'),
  }[outcome.state];
  const mark = { sending: '… ', queued: '◷ ', done: '✓ ', 'needs-attention': '! ' }[outcome.state];
  return (
    <li className={`outcome outcome-${outcome.state}`}>
      <span className="label">{t(`outcome.${kind}`)}: </span>
      <span aria-hidden="true">{mark}</span>
      {text}
      {outcome.state === 'queued' && (
        <span className="outcome-reason">
          {' '}
          {outcome.held
            ? t('cmReality.hold.waitsForActive', {
                card: outcome.held.newSmartcardUuid ?? '',
                status: outcome.held.lastStatus ? cmWord(t, 'smartcardStatus', outcome.held.lastStatus) : t('cmReality.hold.notChecked'),
              })
            : t('outcome.queuedReason', {
                reason: outcome.error ? errorText(t, outcome.error.code, outcome.error.params) : t('reasons.queuedOffline'),
              })}
        </span>
      )}
      {outcome.state === 'queued' && outcome.error && <ErrorNotice live={false} context={t('outcome.lastFailure')} error={errorSummary(outcome.error)} />}
    </li>
  );
}
