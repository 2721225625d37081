import { type FormEvent, type RefObject, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorCode } from '../../../shared/errors';
import { errorSummary } from '../../format';
import { issuanceCall, useClient } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import { pinProblem, type ShownIssuance } from './issuance-view';

type PinEntryState = Extract<ShownIssuance, { phase: 'pin-entry' }>;

/**
 * The hand-over screen: the card holder types a new PIN twice. The fields are uncontrolled, so the
 * PIN lives only in the two inputs until it is sent (never in React state, the store or a log), and
 * they are emptied as soon as the form is submitted, whatever happens next.
 */
export function PinEntry({ state }: { state: PinEntryState }) {
  const { t } = useTranslation();
  const client = useClient();
  const action = useAction();
  const first = useRef<HTMLInputElement>(null);
  const second = useRef<HTMLInputElement>(null);
  const [problem, setProblem] = useState<ErrorCode | null>(null);
  const { reader, rules, notice } = state;
  useEffect(() => first.current?.focus(), []);
  const id = `pin-${encodeURIComponent(reader)}`;
  const rulesText =
    rules.minLength === rules.maxLength
      ? t('issuance.pin.rulesExact', { min: rules.minLength })
      : t('issuance.pin.rules', { min: rules.minLength, max: rules.maxLength });
  // Typed here, refused by main, or main asking again (its notice): the newest one is shown.
  const fromMain = action.error ?? notice;
  const shownError = problem ? errorSummary({ code: problem, message: problem, details: {} }) : fromMain ? errorSummary(fromMain) : null;
  // Each submit inserts the alert afresh, so the same error twice is announced twice.
  const [attempt, setAttempt] = useState(0);
  const describedBy = shownError ? `${id}-rules ${id}-error` : `${id}-rules`;

  // No maxLength on the fields: the browser would cut a longer PIN silently, the same way in both,
  // and the card would get a PIN the holder did not type. Too long is refused with the rule instead.
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const pin = first.current?.value ?? '';
    const confirm = second.current?.value ?? '';
    if (first.current) first.current.value = '';
    if (second.current) second.current.value = '';
    const found = pinProblem(pin, confirm, rules);
    setProblem(found);
    setAttempt((n) => n + 1);
    first.current?.focus();
    if (found) return;
    action.run(async () => {
      try {
        await issuanceCall(reader, () => client.call('issuance.submitPin', { reader, pin, confirm }));
      } finally {
        // Still on this screen (main asked again, or refused): the holder starts from the first field.
        first.current?.focus();
      }
    });
  };

  return (
    <div className="pin-entry">
      <p className="hand-over-note">{t('issuance.pin.handOver')}</p>
      <p>{t('issuance.pin.intro')}</p>
      {shownError && (
        <div id={`${id}-error`} key={attempt}>
          <ErrorNotice context={problem ? undefined : t('issuance.pin.notSet')} error={shownError} />
        </div>
      )}
      <form onSubmit={submit} noValidate>
        <p id={`${id}-rules`} className="pin-rules">
          {rulesText}
        </p>
        <PinField inputRef={first} id={`${id}-first`} name="pin" label={t('issuance.pin.first')} describedBy={describedBy} invalid={!!shownError} />
        <PinField inputRef={second} id={`${id}-confirm`} name="confirm" label={t('issuance.pin.confirm')} describedBy={describedBy} invalid={!!shownError} />
        <button type="submit" className="primary" disabled={action.pending}>
          {t('issuance.pin.submit')}
        </button>
      </form>
    </div>
  );
}

/** One masked PIN field: digits on a phone-style keypad, never offered for autofill, described by the rules. */
function PinField(props: { inputRef: RefObject<HTMLInputElement | null>; id: string; name: string; label: string; describedBy: string; invalid: boolean }) {
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      <input
        ref={props.inputRef}
        id={props.id}
        name={props.name}
        type="password"
        inputMode="numeric"
        autoComplete="off"
        aria-describedby={props.describedBy}
        aria-invalid={props.invalid ? true : undefined}
      />
    </div>
  );
}
