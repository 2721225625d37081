import { useEffect, useEffectEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry, AuditQuery } from '../../../shared/audit';
import type { InvokeResponse } from '../../../shared/contract';
import { errorSummary } from '../../format';
import { useClient, useStation } from '../../store';
import { useAction } from '../../use-action';
import { CopyButton } from '../CopyButton';
import { ErrorNotice } from '../ErrorNotice';
import { FocusHeading } from '../FocusHeading';
import { AuditFilters } from './AuditFilters';
import { AuditTable } from './AuditTable';

/** The most recent entries shown at once; the CSV export has no such limit. */
const SHOWN = 500;

/** The audit log: filter by date, request or card; read it here or export it as CSV. */
export function AuditView() {
  const { t } = useTranslation();
  const client = useClient();
  const navigation = useStation((s) => s.navigation);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [exported, setExported] = useState<InvokeResponse<'audit.exportCsv'> | null>(null);
  const load = useAction();
  const exporting = useAction();

  const search = (next: AuditQuery) => {
    load.run(async () => setEntries(await client.call('audit.query', { ...next, limit: SHOWN })));
  };
  // The latest entries when the view opens (once: an effect event reads the current `search`).
  const showLatest = useEffectEvent(() => search({}));
  useEffect(() => showLatest(), []);

  return (
    <section className="view audit" aria-labelledby="view-heading">
      <FocusHeading level={2} id="view-heading" focusKey={navigation} focusOnMount={navigation > 0}>
        {t('audit.heading')}
      </FocusHeading>
      <AuditFilters
        busy={load.pending || exporting.pending}
        onSearch={search}
        onExport={(next) => {
          setExported(null);
          exporting.run(async () => setExported(await client.call('audit.exportCsv', next)));
        }}
      />
      <div role="status" aria-live="polite" className="audit-status">
        {exported && (
          <p className="exported">
            {t('audit.exported', { count: exported.rows, path: exported.path })} <CopyButton value={exported.path} label={t('audit.exportedPath')} />
          </p>
        )}
      </div>
      {exporting.error && <ErrorNotice context={t('audit.exportFailed')} error={errorSummary(exporting.error)} />}
      {load.error && <ErrorNotice context={t('audit.failed')} error={errorSummary(load.error)} />}
      {entries && <AuditTable entries={entries} />}
    </section>
  );
}
