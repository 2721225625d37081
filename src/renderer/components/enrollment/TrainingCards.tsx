import { useEffect, useEffectEvent, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { en } from '../../i18n/en';
import type { InvokeResponse } from '../../../shared/contract';
import { errorSummary } from '../../format';
import { useClient } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';

type TrainingInfo = InvokeResponse<'training.info'>;

/** Training mode only: put sample cards into the simulated readers, and reset the simulator. */
export function TrainingCards() {
  const { t } = useTranslation();
  const client = useClient();
  const id = useId();
  const [info, setInfo] = useState<TrainingInfo | null>(null);
  const [reader, setReader] = useState('');
  const [sample, setSample] = useState('');
  const [done, setDone] = useState<'inserted' | 'removed' | 'reset' | null>(null);
  const load = useAction();
  const action = useAction();

  // Once when the panel opens: the simulated readers and sample cards.
  const loadInfo = useEffectEvent(() =>
    load.run(async () => {
      const next = await client.call('training.info', {});
      setInfo(next);
      setReader((r) => r || next.readers[0] || '');
      setSample((s) => s || next.samples[0]?.id || '');
    }),
  );
  useEffect(() => loadInfo(), []);

  const act = (what: 'inserted' | 'removed' | 'reset', work: () => Promise<unknown>) => {
    setDone(null);
    action.run(async () => {
      await work();
      setDone(what);
    });
  };

  return (
    <section className="training-cards" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{t('training.heading')}</h3>
      <p>{t('training.intro')}</p>
      {load.error && <ErrorNotice context={t('training.failed')} error={errorSummary(load.error)} />}
      {info && (
        <div className="training-controls">
          <div className="field">
            <label htmlFor={`${id}-reader`}>{t('training.reader')}</label>
            <select id={`${id}-reader`} value={reader} onChange={(event) => setReader(event.target.value)}>
              {info.readers.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-sample`}>{t('training.sample')}</label>
            <select id={`${id}-sample`} value={sample} onChange={(event) => setSample(event.target.value)}>
              {info.samples.map((card) => (
                <option key={card.id} value={card.id}>
                  {/* The station names its samples in English; the screen words the ones it knows. */}
                  {Object.hasOwn(en.trainingSamples, card.id) ? t(`trainingSamples.${card.id}`) : card.label}
                </option>
              ))}
            </select>
          </div>
          <div className="actions">
            <button
              type="button"
              disabled={action.pending || reader === '' || sample === ''}
              onClick={() => act('inserted', () => client.call('training.insertCard', { reader, sampleId: sample }))}
            >
              {t('training.insert')}
            </button>
            <button
              type="button"
              disabled={action.pending || reader === ''}
              onClick={() => act('removed', () => client.call('training.removeCard', { reader }))}
            >
              {t('training.remove')}
            </button>
            <button type="button" disabled={action.pending} onClick={() => act('reset', () => client.call('training.reset', {}))}>
              {t('training.reset')}
            </button>
          </div>
        </div>
      )}
      <p role="status" aria-live="polite">
        {done && t(done === 'reset' ? 'training.resetDone' : `training.${done}`)}
      </p>
      {action.error && <ErrorNotice context={t('training.failed')} error={errorSummary(action.error)} />}
    </section>
  );
}
