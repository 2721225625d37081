import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditQuery } from '../../../shared/audit';
import { localDayStart } from '../../format';

interface Props {
  busy: boolean;
  onSearch(query: AuditQuery): void;
  onExport(query: AuditQuery): void;
}

/** Local calendar days become the query's instants: from = start of day, to = start of the next. */
function toQuery(fields: { from: string; to: string; requestId: string; cardId: string }): AuditQuery {
  const query: AuditQuery = {};
  const from = localDayStart(fields.from);
  const to = localDayStart(fields.to, 1);
  if (from) query.from = from;
  if (to) query.to = to;
  if (fields.requestId.trim() !== '') query.requestId = fields.requestId.trim();
  if (fields.cardId.trim() !== '') query.cardId = fields.cardId.trim();
  return query;
}

export function AuditFilters({ busy, onSearch, onExport }: Props) {
  const { t } = useTranslation();
  const id = useId();
  const [fields, setFields] = useState({ from: '', to: '', requestId: '', cardId: '' });
  const field = (name: keyof typeof fields, type: 'date' | 'text') => (
    <div className="field">
      <label htmlFor={`${id}-${name}`}>{t(`audit.${name}`)}</label>
      <input
        id={`${id}-${name}`}
        type={type}
        value={fields[name]}
        spellCheck={false}
        onChange={(event) => setFields({ ...fields, [name]: event.target.value })}
      />
    </div>
  );
  return (
    <form
      className="audit-filters"
      aria-label={t('audit.filters')}
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(toQuery(fields));
      }}
    >
      <fieldset>
        <legend>{t('audit.filters')}</legend>
        <div className="filter-grid">
          {field('from', 'date')}
          {field('to', 'date')}
          {field('requestId', 'text')}
          {field('cardId', 'text')}
        </div>
      </fieldset>
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {t('audit.search')}
        </button>
        <button type="button" disabled={busy} onClick={() => onExport(toQuery(fields))}>
          {t('audit.export')}
        </button>
      </div>
    </form>
  );
}
