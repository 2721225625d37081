import { useTranslation } from 'react-i18next';
import { isRetiredSlot, RETIRED_SLOTS, type CertificateSlot, type IssuedCertificate } from '../../../shared/issuance';
import { errorSummary, formatDateTime } from '../../format';
import { issuanceCall, useClient } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import { currentStep, type ShownIssuance } from './issuance-view';

/** 9A-9E by their PIV names; a retired slot (key history) as the n-th earlier key, with its key reference. */
function slotLabel(t: ReturnType<typeof useTranslation>['t'], slot: CertificateSlot): string {
  if (isRetiredSlot(slot)) return t('issuance.result.retiredSlot', { number: RETIRED_SLOTS.indexOf(slot) + 1, slot: slot.toUpperCase() });
  return t(`issuance.result.slot.${slot}`);
}

function CertificateItem({ certificate }: { certificate: IssuedCertificate }) {
  const { t } = useTranslation();
  return (
    <li className="issued-certificate">
      <h6>{slotLabel(t, certificate.slot)}</h6>
      <dl>
        <dt>{t('issuance.result.subject')}</dt>
        <dd>
          <code lang="">{certificate.subject}</code>
        </dd>
        <dt>{t('issuance.result.issuer')}</dt>
        <dd>
          <code lang="">{certificate.issuer}</code>
        </dd>
        <dt>{t('issuance.result.serial')}</dt>
        <dd>
          <code>{certificate.serialNumber}</code>
        </dd>
        <dt>{t('issuance.result.validUntil')}</dt>
        <dd>{formatDateTime(certificate.notAfter)}</dd>
        <dt>{t('issuance.result.template')}</dt>
        <dd>{certificate.template ?? t('issuance.result.noTemplate')}</dd>
      </dl>
    </li>
  );
}

type Ended = Extract<ShownIssuance, { phase: 'done' | 'failed' | 'canceled' }>;

/** The end: which certificates are on the card, or why it stopped and what to do. */
export function IssuanceResult({ state }: { state: Ended }) {
  const { t } = useTranslation();
  if (state.phase === 'done') {
    return (
      <div className="issuance-result issuance-done">
        <p role="status" className="issuance-issued">
          <strong>{t('issuance.result.issued')}</strong>
        </p>
        <section aria-labelledby={`certificates-${encodeURIComponent(state.reader)}`}>
          <h5 id={`certificates-${encodeURIComponent(state.reader)}`}>{t('issuance.result.certificates')}</h5>
          {state.certificates.length === 0 ? (
            <p>{t('issuance.result.noCertificates')}</p>
          ) : (
            <ul className="issued-certificates">
              {state.certificates.map((certificate) => (
                <CertificateItem key={`${certificate.slot}-${certificate.serialNumber}`} certificate={certificate} />
              ))}
            </ul>
          )}
        </section>
      </div>
    );
  }
  const stopped = currentStep(state.steps);
  return (
    <div className={`issuance-result issuance-${state.phase}`}>
      <p role="status">
        <strong>{state.phase === 'failed' ? t('issuance.result.failed') : t('issuance.result.canceled')}</strong>
      </p>
      {stopped && state.phase === 'failed' && <p>{t('issuance.result.stoppedAt', { step: t(`issuance.step.${stopped.step.step}`) })}</p>}
      {state.phase === 'failed' && <FailedWhatToDo state={state} />}
    </div>
  );
}

/**
 * Failed: a person looks first (the wording says what), then may try again. The engine continues
 * from its journal and never repeats a step that is not safe to repeat (certificatedata), so the
 * button is offered, but not as the primary action and not focused.
 */
function FailedWhatToDo({ state }: { state: Extract<Ended, { phase: 'failed' }> }) {
  const { t } = useTranslation();
  const client = useClient();
  const action = useAction();
  const { reader } = state;
  return (
    <>
      <ErrorNotice error={errorSummary(state.error)} />
      <p className="issuance-what-to-do">{t('issuance.result.failedWhat')}</p>
      {action.error && <ErrorNotice context={t('issuance.resumeFailed')} error={errorSummary(action.error)} />}
      <div className="actions">
        <button type="button" disabled={action.pending} onClick={() => action.run(() => issuanceCall(reader, () => client.call('issuance.start', { reader })))}>
          {t('issuance.result.tryAgain')}
        </button>
      </div>
    </>
  );
}
