import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { BindPayload } from '../../../shared/enrollment';
import { bindPayloadJson } from '../../format';
import { CopyButton } from '../CopyButton';

/** Exactly what POST /smartcards will carry, from the station's own payload, copyable. */
export function PayloadView({ payload }: { payload: BindPayload }) {
  const { t } = useTranslation();
  const id = useId();
  const json = bindPayloadJson(payload);
  return (
    <figure className="payload" aria-labelledby={id}>
      <figcaption id={id}>{t('confirm.payloadCaption')}</figcaption>
      <pre>
        <code className="payload-json">{json}</code>
      </pre>
      <CopyButton value={json} label={t('confirm.payloadWhat')} />
    </figure>
  );
}
