import { useTranslation } from 'react-i18next';
import { AUDIT_COLUMNS, type AuditEntry } from '../../../shared/audit';
import { formatDateTime } from '../../format';

/** The export's columns, in the same order, less what the screen has no room for (the CSV keeps them). */
const HIDDEN_ON_SCREEN: ReadonlySet<string> = new Set(['atr', 'id']);
const COLUMNS = AUDIT_COLUMNS.filter((column) => !HIDDEN_ON_SCREEN.has(column));

/**
 * One cell. Action and result are worded in the operator's language; the code stays a code and
 * the message column is the log's own text as recorded (like the CSV export).
 */
function AuditCell({ entry, column, none }: { entry: AuditEntry; column: (typeof COLUMNS)[number]; none: string }) {
  const { t } = useTranslation();
  switch (column) {
    case 'at':
      return <>{formatDateTime(entry.at)}</>;
    case 'action':
      return <>{t(`auditWords.actions.${entry.action}`)}</>;
    case 'result':
      return <>{t(`auditWords.results.${entry.result}`)}</>;
    default:
      return <>{entry[column] ?? none}</>;
  }
}

export function AuditTable({ entries }: { entries: AuditEntry[] }) {
  const { t } = useTranslation();
  if (entries.length === 0) return <p>{t('audit.empty')}</p>;
  const none = t('common.none');
  return (
    <div className="table-scroll" role="region" aria-labelledby="audit-caption" tabIndex={0}>
      <table className="audit-table">
        <caption id="audit-caption">{t('audit.caption', { count: entries.length })}</caption>
        <thead>
          <tr>
            {COLUMNS.map((column) => (
              <th key={column} scope="col">
                {t(`audit.col.${column}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => (
            <tr key={entry.id}>
              {COLUMNS.map((column) => (
                <td key={column} className={`col-${column}`}>
                  <AuditCell entry={entry} column={column} none={none} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
