import { useTranslation } from 'react-i18next';
import { FocusHeading } from '../FocusHeading';
import { PinEntry } from './PinEntry';
import { PinShown } from './PinShown';
import type { HandOverState } from './use-hand-over';

/**
 * The screen the operator turns towards the card holder: it replaces every other screen (no names,
 * no other readers, no navigation), with one calm heading. The PIN entry focuses its first field;
 * the shown PIN focuses the heading so it is read from the top.
 */
export function HandOver({ state }: { state: HandOverState }) {
  const { t } = useTranslation();
  return (
    <main className="hand-over" aria-labelledby="hand-over-heading">
      <FocusHeading
        level={1}
        id="hand-over-heading"
        focusKey={`${state.reader}:${state.phase}`}
        focusOnMount={state.phase === 'pin-shown'}
        takeFocus={state.phase === 'pin-shown'}
      >
        {t(`issuance.heading.${state.phase}`)}
      </FocusHeading>
      {state.phase === 'pin-entry' ? (
        // A new notice from main starts the screen afresh: its words replace any earlier error, focus in the first field.
        <PinEntry key={`${state.reader}:${state.notice?.code ?? ''}:${state.notice?.message ?? ''}`} state={state} />
      ) : (
        <PinShown key={state.reader} state={state} />
      )}
    </main>
  );
}
