import { useTranslation } from 'react-i18next';
import type { EnrollmentStep } from '../../../shared/enrollment';
import type { IssuancePhase } from '../../../shared/issuance';
import { selectReader, useStation } from '../../store';
import { useReaderIssuance } from '../issuance/use-reader-issuance';
import { CardPanel } from './CardPanel';
import { EnrollmentSteps } from './EnrollmentSteps';

/** A reader as a region named by the reader: its card, and its enrollment when it is selected. */
export function ReaderPanel({ name }: { name: string }) {
  const { t } = useTranslation();
  const reader = useStation((s) => s.readers.readers.find((r) => r.name === name));
  const reading = useStation((s) => s.cards[name]);
  const state = useStation((s) => s.enrollment[name]);
  const selected = useStation((s) => s.selectedReader === name);
  const latest = useStation((s) => s.lastInserted === name);
  const issuance = useReaderIssuance(name, state);
  if (!reader) return null;
  const headingId = `reader-${encodeURIComponent(name)}`;
  const step: EnrollmentStep = state?.step ?? (reader.card ? 'reading' : 'waiting');
  return (
    <section className={selected ? 'reader selected' : 'reader'} aria-labelledby={headingId} data-reader={name}>
      <div className="reader-head">
        <h3 id={headingId}>{name}</h3>
        {latest && reader.card && <span className="badge">{t('readers.latest')}</span>}
        {selected ? (
          <span className="badge selected-badge">{t('readers.selected')}</span>
        ) : (
          <button type="button" onClick={() => selectReader(name)}>
            {t('readers.select', { reader: name })}
          </button>
        )}
      </div>
      <CardPanel reader={reader} reading={reading} plannedChuid={state && 'issuance' in state ? (state.issuance?.chuid ?? null) : null} />
      {selected ? (
        <EnrollmentSteps reader={name} state={state} step={step} issuance={issuance} />
      ) : (
        // The card panel already says "No card — Insert a card"; other steps are worth a line. An issuance
        // names its own phase: "Done — remove the card" must not show while the card is being issued.
        <StepSummary issuance={issuance.shown?.phase ?? null} step={step} />
      )}
    </section>
  );
}

function StepSummary({ issuance, step }: { issuance: IssuancePhase | null; step: EnrollmentStep }) {
  const { t } = useTranslation();
  if (issuance) return <p className="step-summary">{t(`issuance.heading.${issuance}`)}</p>;
  return step === 'waiting' ? null : <p className="step-summary">{t(`steps.${step}`)}</p>;
}
