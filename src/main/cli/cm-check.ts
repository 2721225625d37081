import type { CmCheckIssuance, CmCheckIssuanceProfile, CmCheckReport } from '../../shared/cm-check';
import { checkConfiguredCm } from '../cm';
import type { ReadOnlyCm } from './cli-environment';
import { EXIT, type ExitCode } from './exit-codes';

/**
 * `npm run station -- cm-check [--json] [--cm-url URL]` (and the installed app's `--cli cm-check`):
 * the first-day check against a real CM (docs/deploying.md), through the CM path of the environment
 * it runs in (cli-environment.ts). Read-only, GETs only: profiletemplates, requests?status= Approved,
 * Executing and Pending, and the desk-issuance checks. Exit 0 when CM answered and accepted the
 * sign-in, 3 when it answered but refused (sign-in, permission, API switched off, redirect), 1 when
 * it could not be reached, did not answer in time, or something in front of CM answered instead (a
 * 503 page).
 */
/** Problems that mean CM did not answer at all (the check stopped there): exit 1, not 3. */
const NO_ANSWER: readonly string[] = ['CM_TIMEOUT', 'CM_OFFLINE', 'CM_UNAVAILABLE'];

export async function cmCheckCommand(cm: ReadOnlyCm): Promise<{ exit: ExitCode; result: CmCheckReport; message: string }> {
  const report = await checkConfiguredCm({ ...cm.settings.effective(), cmBaseUrl: cm.cmBaseUrl }, cm.transport);
  // A timeout, no connection, or a gateway answering for CM is a failure to reach CM, never "refused".
  const unanswered = report.problem !== null && NO_ANSWER.includes(report.problem.code);
  const exit = !report.reachable || unanswered ? EXIT.failed : report.problem === null ? EXIT.done : EXIT.refusedByCm;
  return { exit, result: report, message: describeCmCheck(report) };
}

export function describeCmCheck(report: CmCheckReport): string {
  const lines = [
    `CM API:        ${report.target}`,
    `Reachable:     ${report.reachable ? 'yes' : 'no'}${report.latencyMs === null ? '' : ` (${report.latencyMs} ms)`}`,
    `API enabled:   ${report.apiEnabled === null ? 'unknown' : report.apiEnabled ? 'yes' : 'no (Clm.WebApi.Enabled=false)'}`,
    `Sign-in:       ${report.auth.result}${report.auth.scheme ? ` with ${report.auth.scheme}` : ''}${report.auth.schemes.length > 0 ? ` (server offers ${report.auth.schemes.join(', ')})` : ''}`,
  ];
  if (report.problem !== null) {
    const kind = report.problem.code === 'CM_TIMEOUT' ? 'Timed out' : NO_ANSWER.includes(report.problem.code) ? 'No answer' : 'Problem';
    lines.push(`${`${kind}:`.padEnd(15)}${report.problem.code}: ${report.problem.message}`);
    const server = report.problem.details.serverMessage;
    if (typeof server === 'string') lines.push(`CM said:       ${server}`);
  }
  if (report.requestTypes.length > 0) {
    lines.push('Request types of the Approved, Executing and Pending requests (CM number: count, station reading):');
    for (const t of report.requestTypes) {
      const reading =
        t.confirmedBy === 'unconfirmed'
          ? `Unconfirmed type (${t.raw})${t.likely === null ? '' : `, likely ${t.likely}`}: bound only with acknowledgement, never retires`
          : `${t.reading} (confirmed: ${t.confirmedBy})${t.bindable ? '' : ', never bound'}`;
      lines.push(`  ${t.raw.padStart(3)}: ${String(t.count).padStart(5)}  ${reading}`);
    }
  }
  if (report.skippedRequests > 0) {
    lines.push(`Skipped:       ${report.skippedRequests} request(s) CM listed in a shape the station cannot read (see the diagnostic log)`);
  }
  if (report.requestStatuses.length > 0) {
    lines.push(`Request statuses seen: ${report.requestStatuses.map((s) => `${s.raw}${s.reading === null ? '' : ` ${s.reading}`} x${s.count}`).join(', ')}`);
  }
  if (Object.keys(report.suggestedRequestTypeNumbers).length > 0) {
    lines.push(
      'After checking these names against requests in the CM portal, IT may confirm them in machine policy:',
      `  "requestTypeNumbers": ${JSON.stringify(report.suggestedRequestTypeNumbers)}`,
    );
  }
  if (report.issuance !== undefined) lines.push(...describeDeskIssuance(report.issuance));
  return lines.join('\n');
}

/** The CLI's lines for cm-check's desk-issuance part (the renderer words the same report through i18n). */
function describeDeskIssuance(issuance: CmCheckIssuance): string[] {
  const lines = ['Desk issuance (smart card profile templates):'];
  const reason: Record<CmCheckIssuanceProfile['problems'][number], string> = {
    'no-admin-key': "no initial admin key (DefaultAdminKeyHex): set it to the cards' factory 9B key",
    'admin-key-length': 'the initial admin key is not 24 bytes (a PIV 3DES key)',
    'no-configuration': 'CM has no smart card configuration for it',
    forbidden: 'no permission to read its smart card configuration',
    unreadable: 'its smart card configuration could not be read',
  };
  for (const p of issuance.profiles) {
    const facts = p.verdict === 'unknown' ? '' : ` (key ${p.adminKeyBytes} bytes, diversify ${p.diversify ? 'yes' : 'no'}, PIN ${p.userPinOption})`;
    lines.push(`  ${p.name}: ${p.verdict}${facts}${p.problems.length === 0 ? '' : `: ${p.problems.map((code) => reason[code]).join('; ')}`}`);
  }
  if (issuance.profilesNotChecked > 0) lines.push(`  ${issuance.profilesNotChecked} more template(s) not checked`);
  const routes = {
    allowed: 'allowed (read the certificate request options of an Approved request)',
    forbidden: 'refused (403): the operator needs Execute permission on the requests, and the Sensitive API group for the admin key',
    unknown: 'could not be checked',
    'not-checked': 'not checked (no Approved smart card request to ask about)',
  }[issuance.executionRoutes.result];
  lines.push(`Execution routes: ${routes}`);
  return lines;
}
