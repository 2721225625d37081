import { useTranslation } from 'react-i18next';
import type { ErrorCode } from '../../shared/errors';
import type { ErrorSummary } from '../format';
import { en } from '../i18n/en';
import { errorText } from '../wording';
import { CopyButton } from './CopyButton';

interface Props {
  /** What the operator was doing, in the screen's words ("The settings were not saved."). */
  context?: string;
  /** The code, worded in the operator's language, says what happened; the hint says what to do. */
  error: ErrorSummary;
  /** role=alert for errors that arrive on their own; off inside lists (the outbox). */
  live?: boolean;
  className?: string;
}

function hasHint(code: ErrorCode): code is keyof typeof en.errors.hint {
  return Object.hasOwn(en.errors.hint, code);
}

/** An error as the operator needs it: what happened, what to do, and the ids to quote to IT. */
export function ErrorNotice({ context, error, live = true, className }: Props) {
  const { t } = useTranslation();
  const { code, params, correlationId, serverMessage } = error;
  return (
    <div className={className ? `alert ${className}` : 'alert'} role={live ? 'alert' : undefined}>
      {context && <p className="alert-context">{context}</p>}
      <p className="alert-message">{errorText(t, code, params)}</p>
      {serverMessage && (
        <p className="alert-server">
          <span className="label">{t('cmReality.serverSaid')}: </span>
          <q lang="">{serverMessage}</q>
        </p>
      )}
      {hasHint(code) && (
        <p className="alert-hint">
          <span className="label">{t('common.whatToDo')}: </span>
          {t(`errors.hint.${code}`)}
        </p>
      )}
      <dl className="inline">
        <dt>{t('common.code')}</dt>
        <dd>
          <code className="error-code">{code}</code>
        </dd>
        {correlationId && (
          <>
            <dt>{t('common.correlationId')}</dt>
            <dd>
              <code className="correlation-id">{correlationId}</code>
              <CopyButton value={correlationId} label={t('common.correlationId')} />
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}
