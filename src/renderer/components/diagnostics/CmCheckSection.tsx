import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CmCheckIssuance, CmCheckReport } from '../../../shared/cm-check';
import { errorSummary } from '../../format';
import { useClient } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';

/**
 * The CM part of Diagnostics, the same check as `npm run station -- cm-check`: read-only (GETs
 * only), run when asked, never automatically (a real CM may log every call).
 */
export function CmCheckSection() {
  const { t } = useTranslation();
  const client = useClient();
  const headingId = useId();
  const [report, setReport] = useState<CmCheckReport | null>(null);
  const action = useAction();
  const yesNo = (value: boolean | null) => (value === null ? t('cmReality.check.unknown') : value ? t('cmReality.check.yes') : t('cmReality.check.no'));
  return (
    <section className="cm-check" aria-labelledby={headingId}>
      <h3 id={headingId}>{t('cmReality.check.heading')}</h3>
      <button type="button" disabled={action.pending} onClick={() => action.run(async () => setReport(await client.call('cm.check', {})))}>
        {t('cmReality.check.run')}
      </button>
      <p role="status" aria-live="polite">
        {action.pending ? t('cmReality.check.running') : ''}
      </p>
      {action.error && <ErrorNotice context={t('cmReality.check.failed')} error={errorSummary(action.error)} />}
      {report && (
        <>
          <dl className="grid">
            <dt>{t('cmReality.check.target')}</dt>
            <dd>
              <code>{report.target}</code>
            </dd>
            <dt>{t('cmReality.check.reachable')}</dt>
            <dd>{yesNo(report.reachable)}</dd>
            <dt>{t('cmReality.check.apiEnabled')}</dt>
            <dd>{yesNo(report.apiEnabled)}</dd>
            <dt>{t('cmReality.check.signIn')}</dt>
            <dd>
              {t(`cmReality.check.auth.${report.auth.result}`)}
              {report.auth.schemes.length > 0 && ` (${t('cmReality.check.schemes')}: ${report.auth.schemes.join(', ')})`}
            </dd>
            <dt>{t('cmReality.check.latency')}</dt>
            <dd>{report.latencyMs === null ? t('cmReality.check.unknown') : t('cmReality.check.latencyMs', { ms: report.latencyMs })}</dd>
          </dl>
          {report.problem && <ErrorNotice live={false} error={errorSummary(report.problem)} />}
          {report.requestTypes.length > 0 && (
            <table className="cm-check-types">
              <caption>{t('cmReality.check.types')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('cmReality.check.colNumber')}</th>
                  <th scope="col">{t('cmReality.check.colCount')}</th>
                  <th scope="col">{t('cmReality.check.colReading')}</th>
                </tr>
              </thead>
              <tbody>
                {report.requestTypes.map((type) => (
                  <tr key={type.raw}>
                    <th scope="row">{type.raw}</th>
                    <td>{type.count}</td>
                    <td>
                      {type.confirmedBy === 'unconfirmed'
                        ? type.likely === null
                          ? t('cmReality.type.unconfirmed', { raw: type.raw })
                          : t('cmReality.type.unconfirmedLikely', { raw: type.raw, likely: type.likely })
                        : `${type.reading ?? ''} (${t(`cmReality.check.confirmedBy.${type.confirmedBy}`)}${type.bindable === false ? `, ${t('cmReality.check.neverBound')}` : ''})`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {report.requestStatuses.length > 0 && (
            <p>
              {t('cmReality.check.statuses')}:{' '}
              {report.requestStatuses.map((s) => `${s.raw}${s.reading === null ? '' : ` ${s.reading}`} ×${s.count}`).join(', ')}
            </p>
          )}
          {report.skippedRequests > 0 && <p className="warning">{t('search.skipped', { count: report.skippedRequests })}</p>}
          {report.issuance && <IssuanceLines issuance={report.issuance} yesNo={yesNo} />}
          {Object.keys(report.suggestedRequestTypeNumbers).length > 0 && (
            <>
              <p>{t('cmReality.check.suggestion')}</p>
              <pre>
                <code>{`"requestTypeNumbers": ${JSON.stringify(report.suggestedRequestTypeNumbers)}`}</code>
              </pre>
            </>
          )}
        </>
      )}
    </section>
  );
}

/** Desk issuance (issue 16): what each smart card template allows, and whether the execution routes answer. */
function IssuanceLines({ issuance, yesNo }: { issuance: CmCheckIssuance; yesNo: (value: boolean | null) => string }) {
  const { t } = useTranslation();
  return (
    <>
      {issuance.profiles.length > 0 && (
        <table className="cm-check-issuance">
          <caption>{t('cmReality.check.issuance.heading')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('cmReality.check.issuance.colTemplate')}</th>
              <th scope="col">{t('cmReality.check.issuance.colVerdict')}</th>
              <th scope="col">{t('cmReality.check.issuance.colDetails')}</th>
            </tr>
          </thead>
          <tbody>
            {issuance.profiles.map((profile) => (
              <tr key={profile.templateUuid}>
                <th scope="row">{profile.name || profile.templateUuid}</th>
                <td>{t(`cmReality.check.issuance.verdict.${profile.verdict}`)}</td>
                <td>
                  {profile.adminKeyBytes !== null &&
                    t('cmReality.check.issuance.details', {
                      bytes: profile.adminKeyBytes,
                      diversify: yesNo(profile.diversify),
                      pin: profile.userPinOption ?? '',
                    })}
                  {profile.problems.map((problem) => (
                    <span key={problem} className="cm-check-problem">
                      {' '}
                      {t(`cmReality.check.issuance.problem.${problem}`)}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {issuance.profilesNotChecked > 0 && <p>{t('cmReality.check.issuance.notChecked', { count: issuance.profilesNotChecked })}</p>}
      <p>
        {t('cmReality.check.issuance.routes')}: {t(`cmReality.check.issuance.route.${issuance.executionRoutes.result}`)}
      </p>
    </>
  );
}
