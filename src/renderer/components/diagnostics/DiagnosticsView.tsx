import { useEffect, useEffectEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type DiagnosticsReport, runDiagnostics } from '../../diagnostics';
import { errorSummary } from '../../format';
import { useClient, useStation } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import { FocusHeading } from '../FocusHeading';
import { PolicyStatus } from '../settings/PolicyStatus';
import { CmCheckSection } from './CmCheckSection';
import { DiagnosticsReader } from './DiagnosticsReader';
import { SupportBundleSection } from './SupportBundleSection';
import type { AuditGapKind, ServiceMechanism } from '../../../shared/diagnostics';
import type { TFunction } from 'i18next';

/** Each kind of audit gap in the operator's words (the problem's details follow, for IT). */
const GAP_WORDING = {
  'chain-broken': 'machinePolicy.auditGapKind.chainBroken',
  'anchor-missing': 'machinePolicy.auditGapKind.anchorMissing',
  'anchor-unreadable': 'machinePolicy.auditGapKind.anchorUnreadable',
  'log-missing': 'machinePolicy.auditGapKind.logMissing',
  'log-replaced': 'machinePolicy.auditGapKind.logReplaced',
  'tail-cut': 'machinePolicy.auditGapKind.tailCut',
} as const satisfies Record<AuditGapKind, string>;

/** How the service was asked about, as pcsc_scan names its mechanism (the path and command stay as they are). */
function mechanismText(t: TFunction, mechanism: ServiceMechanism): string {
  switch (mechanism.kind) {
    case 'pcscd-socket':
      return t('diagnostics.mechanisms.pcscdSocket', { path: mechanism.path });
    case 'windows-service':
      return t('diagnostics.mechanisms.windowsService', { command: mechanism.command });
    case 'pcsc-context':
      return t('diagnostics.mechanisms.pcscContext');
    case 'simulated':
      return t('diagnostics.mechanisms.simulated');
  }
}

/** What the station sees right now: the smart card service, each reader, each card's ATR decoded. */
export function DiagnosticsView() {
  const { t } = useTranslation();
  const client = useClient();
  const navigation = useStation((s) => s.navigation);
  const settings = useStation((s) => s.settings);
  const [report, setReport] = useState<DiagnosticsReport | null>(null);
  const action = useAction();
  const run = () => action.run(async () => setReport(await runDiagnostics(client)));
  // Once when the view opens; "Run again" does it on demand.
  const runOnOpen = useEffectEvent(run);
  useEffect(() => runOnOpen(), []);
  return (
    <section className="view diagnostics" aria-labelledby="view-heading">
      <FocusHeading level={2} id="view-heading" focusKey={navigation} focusOnMount={navigation > 0}>
        {t('diagnostics.heading')}
      </FocusHeading>
      {/* A refused or invalid machine policy is the first thing support needs to see. */}
      {settings && <PolicyStatus settings={settings} />}
      <button type="button" onClick={run} disabled={action.pending}>
        {t('diagnostics.run')}
      </button>
      <p role="status" aria-live="polite">
        {action.pending ? t('diagnostics.running') : ''}
      </p>
      {action.error && <ErrorNotice context={t('diagnostics.failed')} error={errorSummary(action.error)} />}
      {report && (
        <>
          <dl className="inline">
            <dt>{t('diagnostics.service')}</dt>
            <dd className={report.service === 'up' ? 'ok' : 'warning'}>
              <span aria-hidden="true">{report.service === 'up' ? '● ' : '▲ '}</span>
              {report.service === 'up' ? t('diagnostics.serviceUp') : t('diagnostics.serviceDown')}
            </dd>
            {report.mechanism && (
              <>
                <dt>{t('diagnostics.serviceMechanism')}</dt>
                <dd className="mechanism">{mechanismText(t, report.mechanism)}</dd>
              </>
            )}
            {report.auditTrail && (
              <>
                <dt>{t('machinePolicy.auditTrail')}</dt>
                <dd className={report.auditTrail.status === 'ok' ? 'ok' : 'warning'}>
                  <span aria-hidden="true">{report.auditTrail.status === 'ok' ? '● ' : '▲ '}</span>
                  {report.auditTrail.status === 'ok' ? t('machinePolicy.auditIntact', { count: report.auditTrail.records }) : t('machinePolicy.auditGap')}
                </dd>
              </>
            )}
            {report.osLog && (
              <>
                <dt>{t('diagnostics.osLog')}</dt>
                <dd className={report.osLog.sink !== 'none' && report.osLog.failed === 0 ? 'ok' : 'warning'}>
                  {report.osLog.sink === 'none'
                    ? t('diagnostics.osLogNone', { reason: report.osLog.target })
                    : t('diagnostics.osLogWorking', {
                        target: report.osLog.target,
                        written: report.osLog.written,
                        failed: report.osLog.failed,
                        dropped: report.osLog.dropped,
                      })}
                </dd>
              </>
            )}
          </dl>
          {report.auditTrail && report.auditTrail.problems.length > 0 && (
            <ul className="audit-problems" role="alert">
              {report.auditTrail.problems.map((problem, index) => {
                const kind = report.auditTrail?.gaps?.[index];
                return (
                  <li key={problem}>
                    {kind && <strong>{t(GAP_WORDING[kind])} </strong>}
                    <span>{problem}</span>
                  </li>
                );
              })}
            </ul>
          )}
          {report.readers.length === 0 ? (
            <p>{t('diagnostics.noReaders')}</p>
          ) : (
            <ul className="diagnostics-readers">
              {report.readers.map((reader) => (
                <li key={reader.name}>
                  <DiagnosticsReader name={reader.name} card={reader.card} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <CmCheckSection />
      <SupportBundleSection />
    </section>
  );
}
