import type { EnrollmentState } from '../../shared/enrollment';
import { StationError } from '../../shared/errors';
import type { IssuanceState } from '../../shared/issuance';
import { TRANSIENT_CARD, TRANSIENT_CARD_RETRIES } from '../issuance';
import { call } from '../station';
import type { Station } from '../station';
import { EXIT, type ExitCode, exitCodeFor } from './exit-codes';

export interface IssueOutcome {
  exit: ExitCode;
  result: unknown;
  message: string;
}

type Tracked = Exclude<IssuanceState, { phase: 'idle' }>;
const isFor =
  (requestId: string) =>
  (s: IssuanceState): s is Tracked =>
    s.phase !== 'idle' && s.requestId === requestId;

/** The first line of standard input: the new PIN (never echoed, never logged). */
export async function readPinFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  let text = '';
  for await (const chunk of stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const pin = text.split(/\r?\n/)[0] ?? '';
  if (pin === '') throw new StationError('BAD_REQUEST', '--pin-stdin: standard input holds no PIN line.');
  return pin;
}

/**
 * `issue --reader R --request ID [--pin-stdin]`: binds the card in R to the request (as `bind`) with
 * issuance planned, then issues it; run again for the same request and card, it resumes from the
 * journal. The PIN is asked for only when the hand-over is reached; CM's proposed PIN is printed once.
 */
export async function issueCommand(
  station: Station,
  args: { reader: string; requestId: string; waitMs: number; pin: () => Promise<string | null>; print: (line: string) => void },
): Promise<IssueOutcome> {
  const { reader, requestId, waitMs } = args;
  const snapshot = await call(station.handlers, 'station.snapshot', {});
  if (snapshot.settings.values.issueAtDesk === 'off') {
    throw new StationError('ISSUANCE_NOT_ALLOWED', 'Desk issuance is off on this station (machine policy issueAtDesk: off).');
  }
  const deadline = Date.now() + waitMs;
  const left = () => Math.max(0, deadline - Date.now());

  // Events are collected from now on, so none between a call and the wait is lost.
  const seen: IssuanceState[] = [];
  const enrollment: EnrollmentState[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = station.subscribe((event, payload) => {
    if (event === 'issuance.changed') seen.push(payload as IssuanceState);
    else if (event === 'enrollment.changed') enrollment.push(payload as EnrollmentState);
    else return;
    wake?.();
  });
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = null;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = null;
        resolve();
      };
    });
  const latest = (): Tracked | undefined => [...seen].reverse().find(isFor(requestId));

  try {
    let state: Tracked | undefined = snapshot.issuance.find(isFor(requestId));
    if (state === undefined) {
      await bindForIssuance(station, reader, requestId, snapshot.enrollment, enrollment, pause, left);
    } else if (state.phase === 'offer' || state.phase === 'paused' || state.phase === 'failed') {
      // The same card back in a reader resumes by itself (cardSeen); give its read a moment, then ask.
      await pause(Math.min(1_500, left()));
      state = latest() ?? state;
      if (state.phase === 'offer' || state.phase === 'paused' || state.phase === 'failed')
        await call(station.handlers, 'issuance.start', { reader: state.reader });
    }
    let pinGiven = false;
    let transientWaits = 0;
    for (;;) {
      state = latest() ?? state ?? snapshot.issuance.find(isFor(requestId));
      if (state?.phase === 'offer') {
        await call(station.handlers, 'issuance.start', { reader: state.reader });
      } else if (state?.phase === 'pin-entry') {
        if (state.notice) throw StationError.fromPayload(state.notice);
        if (!pinGiven) {
          const pin = await args.pin();
          if (pin === null)
            throw new StationError('BAD_REQUEST', 'The card needs the user’s new PIN: give it on the first line of standard input with --pin-stdin.');
          pinGiven = true;
          await call(station.handlers, 'issuance.submitPin', { reader: state.reader, pin, confirm: pin });
        }
      } else if (state?.phase === 'pin-shown') {
        args.print(`The user's PIN (shown once, proposed by CM): ${state.pin}`);
        await call(station.handlers, 'issuance.pinSeen', { reader: state.reader });
      } else if (state?.phase === 'paused' && TRANSIENT_CARD.has(state.error.code) && transientWaits++ <= TRANSIENT_CARD_RETRIES) {
        // The station retries these by itself (issuance/service.ts): give it the chance before reporting.
        // One wait per retry, and one spare: any reader's event ends a wait early.
        await pause(Math.min(2_000, left()));
        continue;
      } else if (state !== undefined && (state.phase === 'done' || state.phase === 'paused' || state.phase === 'failed' || state.phase === 'canceled')) {
        return outcomeOf(state);
      }
      if (left() === 0)
        return { exit: EXIT.queued, result: state ?? null, message: 'Still issuing; run the same command again to follow it (it resumes from where it is).' };
      await pause(left());
    }
  } finally {
    unsubscribe();
  }
}

async function bindForIssuance(
  station: Station,
  reader: string,
  requestId: string,
  initial: EnrollmentState[],
  events: EnrollmentState[],
  pause: (ms: number) => Promise<void>,
  left: () => number,
): Promise<void> {
  const stateOf = () => [...events].reverse().find((s) => s.reader === reader) ?? initial.find((s) => s.reader === reader);
  while (stateOf()?.step !== 'card-read' && left() > 0) await pause(left());
  const read = stateOf();
  if (read?.step !== 'card-read') {
    const known = (await call(station.handlers, 'readers.list', {})).readers.some((r) => r.name === reader);
    throw new StationError(known ? 'PCSC_NO_CARD' : 'PCSC_READER_NOT_FOUND', known ? 'No readable card in that reader.' : 'There is no reader by that name.', {
      reader,
    });
  }
  const chosen = await call(station.handlers, 'enrollment.choose', { reader, requestId, replaceSmartcardUuid: null });
  if (chosen.step === 'request-chosen' && chosen.issuance?.mode === null && chosen.issuance.reason) {
    // Under `offer` a card that cannot be issued may still be bound; the CLI was asked to issue: nothing is written.
    throw StationError.fromPayload(chosen.issuance.reason);
  }
  const submitted = await call(station.handlers, 'enrollment.bind', { reader });
  if ((submitted.step === 'request-chosen' || submitted.step === 'waiting') && submitted.notice) throw StationError.fromPayload(submitted.notice);
}

function outcomeOf(state: Tracked): IssueOutcome {
  switch (state.phase) {
    case 'done': {
      const lines = state.certificates.map(
        (c) => `  ${c.slot}: ${c.subject} (issuer ${c.issuer}, serial ${c.serialNumber}, until ${c.notAfter}${c.template ? `, ${c.template}` : ''})`,
      );
      return { exit: EXIT.done, result: state, message: [`Issued: request ${state.requestId} on card ${state.cardId}.`, ...lines].join('\n') };
    }
    case 'canceled':
      return { exit: EXIT.failed, result: state, message: 'The issuance was canceled; the card stays bound to the request.' };
    case 'paused':
    case 'failed':
      return { exit: exitCodeFor(state.error.code), result: state, message: `${state.phase === 'paused' ? 'Paused' : 'Stopped'}: ${state.error.message}` };
    default:
      return { exit: EXIT.failed, result: state, message: `Unexpected state ${state.phase}.` };
  }
}
