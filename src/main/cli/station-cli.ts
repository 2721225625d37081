import { copyFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { EnrollmentState } from '../../shared/enrollment';
import { StationError, toErrorPayload } from '../../shared/errors';
import type { CmRequest } from '../../shared/cm';
import { retireWaitOf, type OutboxOperation } from '../../shared/outbox';
import { readRequestType, requestTypeLabel, type RequestTypeReading } from '../../shared/request-types';
import { startStation } from '../runtime';
import { call } from '../station';
import type { Station } from '../station';
import { auditVerifyAndReport } from './audit-verify';
import type { CliEnvironment } from './cli-environment';
import { cmCheckCommand } from './cm-check';
import { EXIT, type ExitCode, exitCodeFor } from './exit-codes';
import { issueCommand, readPinFromStdin } from './issue';
import { supportBundleCommand } from './support-bundle';

const USAGE = `Usage: npm run station -- <command> [options]

Commands:
  bind --reader NAME --request ID    bind the card in that reader to the request (and retire the
                                     card the request replaces, per retireReplacedCard)
       [--accept-unconfirmed-type]   bind although this request's type number is unconfirmed (the
                                     output names the likely type accepted; never for a number
                                     whose likely type acts on an existing card: 4, 7, 9, 10)
  issue --reader NAME --request ID   bind the card (a factory card gets its CHUID first), then issue it:
       [--pin-stdin]                 keys, certificates, the user's PIN (first line of standard
                                     input), request Completed. Run again to resume.
  retire --request ID --smartcard UUID   retire a card on its own (e.g. lost): sent at once
  outbox list                        every operation; a held retire says what it waits for
  outbox replay                      send everything queued now
  outbox retire-now --id ID --confirm   retire a held card without waiting for its new card
  audit export --out FILE.csv
  audit verify                       check the audit trail's hash chain; reports the first broken link
  cm-check                           read-only first contact with CM (reachable, sign-in, types)
  support-bundle --out FILE.zip      read-only: diagnostics, cm-check, logs, settings, outbox summary

Options: --data-dir DIR  --json  --wait SECONDS (default 20)
Development only (never on a station IT manages): --cm-url URL  --policy FILE (a development policy)

Exit codes: 0 done, 2 bad input (nothing sent: also a request type that takes no new card, or an
unconfirmed type without --accept-unconfirmed-type), 3 refused by CM, 4 queued because CM is
unreachable, 5 no card or a different card, 1 anything else.`;

interface Outcome {
  exit: ExitCode;
  result: unknown;
  message: string;
}

/** Waits for a state the predicate accepts, from the station's own events. */
function waitForEnrollment(station: Station, reader: string, accept: (s: EnrollmentState) => boolean, ms: number, now: EnrollmentState[]) {
  return new Promise<EnrollmentState | null>((resolveState) => {
    const current = now.find((s) => s.reader === reader);
    if (current && accept(current)) return resolveState(current);
    const timer = setTimeout(() => {
      unsubscribe();
      resolveState(null);
    }, ms);
    const unsubscribe = station.subscribe((event, payload) => {
      if (event !== 'enrollment.changed') return;
      const state = payload as EnrollmentState;
      if (state.reader !== reader || !accept(state)) return;
      clearTimeout(timer);
      unsubscribe();
      resolveState(state);
    });
  });
}

async function bind(station: Station, reader: string, requestId: string, waitMs: number, acceptUnconfirmedType: boolean): Promise<Outcome> {
  const snapshot = await call(station.handlers, 'station.snapshot', {});
  const readCard = await waitForEnrollment(station, reader, (s) => s.step === 'card-read', waitMs, snapshot.enrollment);
  if (!readCard) {
    const known = (await call(station.handlers, 'readers.list', {})).readers.some((r) => r.name === reader);
    const problem = known ? 'No readable card in that reader.' : 'There is no reader by that name.';
    throw new StationError(known ? 'PCSC_NO_CARD' : 'PCSC_READER_NOT_FOUND', problem, { reader });
  }
  if (readCard.step === 'card-read' && readCard.notice) throw StationError.fromPayload(readCard.notice);
  // An unbindable type (e.g. Unblock) or an unacknowledged unconfirmed one throws here: exit 2, nothing sent.
  const chosen = await call(station.handlers, 'enrollment.choose', { reader, requestId, replaceSmartcardUuid: null, acceptUnconfirmedType });
  // The acknowledgement is for this request: say which type it accepted (its likely name).
  const acknowledged = acceptUnconfirmedType && chosen.step === 'request-chosen' ? await unconfirmedReading(station, chosen.request.type) : null;
  const note =
    acknowledged === null ? '' : ` Acknowledged for this request: ${requestTypeLabel(acknowledged)}, bound as a new card; nothing retired automatically.`;
  const submitted = await call(station.handlers, 'enrollment.bind', { reader });
  if (submitted.step === 'request-chosen' && submitted.notice) throw StationError.fromPayload(submitted.notice);
  if (submitted.step === 'waiting' && submitted.notice) throw StationError.fromPayload(submitted.notice);
  const settled = (s: EnrollmentState) => s.step === 'done' || s.step === 'attention';
  const final = (await waitForEnrollment(station, reader, settled, waitMs, [submitted])) ?? submitted;
  if (final.step === 'attention') {
    const error = final.bind.state === 'needs-attention' ? final.bind.error : final.retire?.state === 'needs-attention' ? final.retire.error : null;
    return { exit: EXIT.refusedByCm, result: final, message: error?.message ?? 'CM refused the operation.' };
  }
  if (final.step !== 'done') return { exit: EXIT.queued, result: final, message: 'Still sending; the outbox keeps it and sends it later.' };
  const smartcard = final.bind.state === 'done' ? final.bind.smartcardUuid : '';
  // A retire held for the new card (retireReplacedCard: when-new-card-active) is the plan, not a failure.
  const ops = await call(station.handlers, 'outbox.list', {});
  const retireOp = final.retire === null ? undefined : ops.find((op) => op.id === final.retire?.operationId);
  const held = retireOp !== undefined && retireWaitOf(retireOp, ops)?.kind === 'new-card-active' && retireOp.lastError === null;
  if (final.bind.state === 'done' && held) {
    return {
      exit: EXIT.done,
      result: final,
      message: `Bound: new smart card ${smartcard}. The old card is retired once the new one is Active in CM (outbox list shows it).${note}`,
    };
  }
  const queued = final.bind.state === 'queued' ? final.bind : final.retire?.state === 'queued' ? final.retire : null;
  if (queued !== null) return { exit: EXIT.queued, result: final, message: `Saved in the outbox, sent again later: ${queued.reason}${note}` };
  return { exit: EXIT.done, result: final, message: `Bound: new smart card ${smartcard}.${note}` };
}

/** The request's type as the station reads it under the policy in effect, when it is unconfirmed. */
async function unconfirmedReading(station: Station, type: CmRequest['type']): Promise<RequestTypeReading | null> {
  const settings = await call(station.handlers, 'settings.get', {});
  const reading = readRequestType(type, settings.values.requestTypeNumbers);
  return reading.kind === 'unconfirmed' ? reading : null;
}

async function retire(station: Station, requestId: string, smartcardUuid: string): Promise<Outcome> {
  const op = await station.retireCard(requestId, smartcardUuid);
  const after = (await call(station.handlers, 'outbox.replay', {})).find((o) => o.id === op.id) ?? op;
  return outboxOutcome(after, `Retired ${smartcardUuid}.`);
}

/** One line per operation; a held retire says what it waits for. */
function describeOperation(op: OutboxOperation & { waitingFor: ReturnType<typeof retireWaitOf> }): string {
  const line = `${op.id} ${op.kind} ${op.requestId} ${op.state}`;
  const wait = op.waitingFor;
  if (wait === null) return op.lastError === null ? line : `${line}: ${op.lastError.code} ${op.lastError.message}`;
  if (wait.kind === 'bind') return `${line}: waits for the bind of request ${wait.requestId}`;
  const seen = wait.lastStatus === null ? 'not checked yet' : `${wait.lastStatus} at ${wait.checkedAt ?? '?'}`;
  if (wait.kind === 'retire-request-approval') return `${line}: waits for CM to approve Retire request ${wait.retireRequestId} (${seen}); approve it in CM`;
  return `${line}: waits for new card ${wait.newSmartcardUuid ?? '(unknown)'} to be Active in CM (${seen}); "outbox retire-now --id ${op.id} --confirm" retires it now`;
}

function outboxOutcome(op: OutboxOperation, doneMessage: string): Outcome {
  if (op.state === 'done') return { exit: EXIT.done, result: op, message: doneMessage };
  if (op.state === 'needs-attention') return { exit: EXIT.refusedByCm, result: op, message: op.lastError?.message ?? 'CM refused it.' };
  return { exit: EXIT.queued, result: op, message: op.lastError?.message ?? 'Queued: CM is unreachable.' };
}

async function run(argv: string[], env: CliEnvironment): Promise<Outcome> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      reader: { type: 'string' },
      request: { type: 'string' },
      smartcard: { type: 'string' },
      out: { type: 'string' },
      'cm-url': { type: 'string' },
      'data-dir': { type: 'string' },
      policy: { type: 'string' },
      wait: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
      'accept-unconfirmed-type': { type: 'boolean', default: false },
      id: { type: 'string' },
      confirm: { type: 'boolean', default: false },
      'pin-stdin': { type: 'boolean', default: false },
    },
  });
  const command = positionals.join(' ');
  // Before anything runs: the installed app refuses the development flags for every command.
  env.checkFlags({ policy: values.policy, cmUrl: values['cm-url'] });
  const waitMs = Number(values.wait) * 1000;
  const need = (name: 'reader' | 'request' | 'smartcard' | 'out' | 'id'): string => {
    const value = values[name];
    if (!value) throw new StationError('BAD_REQUEST', `--${name} is required for "${command}".`);
    return value;
  };
  // Every command works on one data folder: the one named, or this user's default.
  const dataDir = values['data-dir'] ?? env.defaultDataDir();
  if (command === 'audit verify') return auditVerifyAndReport(dataDir);
  if (
    !['bind', 'issue', 'retire', 'outbox list', 'outbox replay', 'outbox retire-now', 'audit export', 'cm-check', 'support-bundle'].includes(command) ||
    !(waitMs > 0)
  ) {
    throw new StationError('BAD_REQUEST', USAGE);
  }
  const flags = { dataDir, policy: values.policy, cmUrl: values['cm-url'] };
  if (command === 'cm-check') {
    // Read-only and PC/SC-free: no station runtime is started.
    return cmCheckCommand(await env.readOnlyCm(flags));
  }
  if (command === 'support-bundle') {
    const out = resolve(need('out'));
    return supportBundleCommand({ dataDir, out }, { cm: await env.readOnlyCm(flags), version: env.version() });
  }
  if (command === 'outbox retire-now' && !values.confirm) {
    throw new StationError(
      'BAD_REQUEST',
      'Retiring a card before its replacement is Active can leave the user without a working card: add --confirm to do it anyway.',
    );
  }
  // Validate everything before starting the station, so bad input changes nothing.
  const args =
    command === 'bind' || command === 'issue'
      ? { reader: need('reader'), request: need('request') }
      : command === 'retire'
        ? { request: need('request'), smartcard: need('smartcard') }
        : command === 'audit export'
          ? { out: resolve(need('out')) }
          : command === 'outbox retire-now'
            ? { id: need('id') }
            : {};

  const runtime = await startStation(
    env.station({ dataDir, policy: values.policy, cmUrl: values['cm-url'], mode: 'real', program: `station CLI (${command})` }),
  );
  const station = runtime.station;
  try {
    switch (command) {
      case 'bind':
        return await bind(station, args.reader!, args.request!, waitMs, values['accept-unconfirmed-type']);
      case 'issue': {
        const pinStdin = values['pin-stdin'];
        return await issueCommand(station, {
          reader: args.reader!,
          requestId: args.request!,
          waitMs,
          pin: () => (pinStdin ? readPinFromStdin() : Promise.resolve(null)),
          // stderr: stdout stays the one JSON line with --json.
          print: (line) => console.error(line),
        });
      }
      case 'retire':
        return await retire(station, args.request!, args.smartcard!);
      case 'outbox list': {
        const ops = await call(station.handlers, 'outbox.list', {});
        const waits = ops.map((o) => ({ ...o, waitingFor: retireWaitOf(o, ops) }));
        return { exit: EXIT.done, result: waits, message: waits.map(describeOperation).join('\n') || 'The outbox is empty.' };
      }
      case 'outbox retire-now': {
        const op = await call(station.handlers, 'outbox.releaseHold', { id: args.id!, confirm: true });
        const after = (await call(station.handlers, 'outbox.replay', {})).find((o) => o.id === op.id) ?? op;
        return outboxOutcome(after, `Retired ${after.kind === 'retire' ? after.smartcardUuid : ''} without waiting for the new card.`);
      }
      case 'outbox replay': {
        const ops = await call(station.handlers, 'outbox.replay', {});
        const waiting = ops.filter((o) => o.state === 'pending' || o.state === 'sending').length;
        const attention = ops.filter((o) => o.state === 'needs-attention').length;
        const exit = attention ? EXIT.refusedByCm : waiting ? EXIT.queued : EXIT.done;
        return { exit, result: ops, message: `${ops.length} operations: ${waiting} still queued, ${attention} need attention.` };
      }
      default: {
        const written = await call(station.handlers, 'audit.exportCsv', {});
        copyFileSync(written.path, args.out!);
        rmSync(written.path);
        return { exit: EXIT.done, result: { path: args.out, rows: written.rows }, message: `Wrote ${written.rows} rows to ${args.out}.` };
      }
    }
  } finally {
    await runtime.close();
  }
}

/**
 * Runs one command and reports it (stdout/stderr, `--json`); resolves with the exit code. Plain Node
 * passes its environment (station.ts: Negotiate, development flags); the installed app's `--cli`
 * its own (net.fetch, OS policy only).
 */
export function runStationCli(argv: string[], env: CliEnvironment): Promise<ExitCode> {
  const json = argv.includes('--json');
  return run(argv, env)
    .catch((err: unknown): Outcome => {
      // An IT script's log is where an unexpected failure gets diagnosed: keep its cause there.
      if (!(err instanceof StationError) && !(err instanceof TypeError)) console.error(err);
      const error =
        err instanceof StationError
          ? err.toPayload()
          : err instanceof TypeError
            ? { code: 'BAD_REQUEST' as const, message: `${err.message}\n\n${USAGE}`, details: {} }
            : toErrorPayload(err);
      return { exit: exitCodeFor(error.code), result: { error }, message: error.message };
    })
    .then((outcome) => {
      if (json) console.log(JSON.stringify({ exitCode: outcome.exit, message: outcome.message, result: outcome.result }));
      else (outcome.exit === EXIT.done ? console.log : console.error)(outcome.message);
      return outcome.exit;
    });
}
