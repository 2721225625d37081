import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OutboxOperation } from '../../../shared/outbox';
import { errorSummary } from '../../format';
import { applyOutboxOperation, useClient } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';

/** Discarding is two steps: open the form, type why (required), then confirm. */
export function DiscardForm({ operation, what }: { operation: OutboxOperation; what: string }) {
  const { t } = useTranslation();
  const client = useClient();
  const action = useAction();
  const id = useId();
  // null: never opened (focus stays where it is); then open or closed by the operator.
  const [open, setOpen] = useState<boolean | null>(null);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const reasonRef = useRef<HTMLTextAreaElement>(null);
  const openerRef = useRef<HTMLButtonElement>(null);

  // Opening moves focus to the reason; cancelling brings it back to the button that opened it.
  useEffect(() => {
    if (open === true) reasonRef.current?.focus();
    if (open === false) openerRef.current?.focus();
  }, [open]);

  return (
    <>
      <button
        type="button"
        ref={openerRef}
        aria-expanded={open === true}
        aria-label={t('outbox.discardLabel', { what })}
        onClick={() => (open ? reasonRef.current?.focus() : setOpen(true))}
      >
        {t('outbox.discard')}
      </button>
      {open && (
        <form
          className="discard-form"
          noValidate
          aria-label={t('outbox.discardLabel', { what })}
          onSubmit={(event) => {
            event.preventDefault();
            if (reason.trim() === '') {
              setMissing(true);
              reasonRef.current?.focus();
              return;
            }
            action.run(async () => {
              applyOutboxOperation(await client.call('outbox.discard', { id: operation.id, reason: reason.trim() }));
            });
          }}
        >
          <p className="warning">{t('outbox.discardWarning')}</p>
          <label htmlFor={`${id}-reason`}>{t('outbox.discardReason')}</label>
          <textarea
            id={`${id}-reason`}
            ref={reasonRef}
            required
            maxLength={500}
            rows={2}
            value={reason}
            aria-invalid={missing}
            aria-describedby={missing ? `${id}-missing` : undefined}
            onChange={(event) => {
              setReason(event.target.value);
              setMissing(false);
            }}
          />
          {missing && (
            <p id={`${id}-missing`} className="field-error" role="alert">
              {t('outbox.reasonRequired')}
            </p>
          )}
          {action.error && <ErrorNotice context={t('outbox.actionFailed')} error={errorSummary(action.error)} />}
          <div className="actions">
            <button type="submit" className="danger" disabled={action.pending}>
              {t('outbox.discardConfirm')}
            </button>
            <button
              type="button"
              onClick={() => {
                setOpen(false);
                setReason('');
                setMissing(false);
              }}
            >
              {t('common.cancel')}
            </button>
          </div>
        </form>
      )}
    </>
  );
}
