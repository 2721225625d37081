import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnrollmentState } from '../../../shared/enrollment';
import { errorSummary } from '../../format';
import { enrollmentCall, useClient } from '../../store';
import { useAction } from '../../use-action';
import { CopyButton } from '../CopyButton';
import { ErrorNotice } from '../ErrorNotice';
import { OutcomeLine } from './OutcomeLine';

type Done = Extract<EnrollmentState, { step: 'done' }>;

interface Props {
  state: Done;
  /** Desk issuance is under way on this card: the card stays in, so no "remove the card" yet. */
  issuing?: boolean;
  /** What follows the bind on this card (the issuance), before "remove the card". */
  children?: ReactNode;
}

/** Step 6: the new smart card id (or "queued" offline), the retire outcome, "remove the card". */
export function Result({ state, issuing = false, children }: Props) {
  const { t } = useTranslation();
  const client = useClient();
  const action = useAction();
  const { bind, retire, reader } = state;
  return (
    <div className="result">
      <div role="status" aria-live="polite" className="result-status">
        {bind.state === 'done' ? (
          <p className="new-card">
            <span className="label">{t('result.newCard')}: </span>
            <code className="smartcard-id">{bind.smartcardUuid}</code>
          </p>
        ) : null}
        {(bind.state === 'queued' || (retire?.state === 'queued' && !retire.held)) && <p className="queued">{t('outcome.queued')}</p>}
        {retire?.state === 'queued' && retire.held && <p className="queued">{t('result.retireHeld')}</p>}
        {retire?.state === 'done' && <p>{t('result.retired', { id: retire.smartcardUuid })}</p>}
      </div>
      {bind.state === 'done' && <CopyButton value={bind.smartcardUuid} label={t('result.newCardWhat')} />}
      <ul className="outcomes">
        <OutcomeLine kind="bind" outcome={bind} />
        {retire && <OutcomeLine kind="retire" outcome={retire} />}
      </ul>
      {children}
      {!issuing && (
        <>
          <p className="remove-card">
            <strong>{t('result.removeCard')}</strong>
          </p>
          {action.error && <ErrorNotice error={errorSummary(action.error)} />}
          <button
            type="button"
            disabled={action.pending}
            onClick={() => action.run(() => enrollmentCall(reader, () => client.call('enrollment.reset', { reader })))}
          >
            {t('result.next')}
          </button>
        </>
      )}
    </div>
  );
}
