import { useTranslation } from 'react-i18next';
import { AUDIT_COLUMNS, type AuditEntry } from '../../../shared/audit';
import { formatDateTime } from '../../format';

/** The export's columns, in the same order, less what the screen has no room for (the CSV keeps them). */
const HIDDEN_ON_SCREEN: ReadonlySet<string> = new Set(['atr', 'id']);
const COLUMNS = AUDIT_COLUMNS.filter((column) => !HIDDEN_ON_SCREEN.has(column));

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
                  {column === 'at' ? formatDateTime(entry.at) : (entry[column] ?? none)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
