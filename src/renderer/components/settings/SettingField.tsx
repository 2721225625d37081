import { useTranslation } from 'react-i18next';
import { APPLIED_AT_RESTART, FIELD_KINDS, type SettingKey, settingLabel } from '../../../shared/settings';
import { LOCALE_NAMES, LOCALES } from '../../i18n';

interface Props {
  name: SettingKey;
  idPrefix: string;
  value: string | boolean;
  managed: boolean;
  /** For a machine-only key: whether the machine policy sets it (else the built-in default applies). */
  machineSource?: 'policy' | 'default' | null;
  /** What is wrong with this field, shown under it (and aria-invalid); null when nothing is. */
  error: string | null;
  onChange(value: string | boolean): void;
}

/** One setting: its label, its value, and "Managed by your organization" when IT decides it. */
export function SettingField({ name, idPrefix, value, managed, machineSource = null, error, onChange }: Props) {
  const { t, i18n } = useTranslation();
  const id = `${idPrefix}-${name}`;
  const kind = FIELD_KINDS[name];
  const atRestart = APPLIED_AT_RESTART.has(name);
  const describedBy = [
    managed ? `${id}-managed` : null,
    kind === 'list' ? `${id}-hint` : null,
    atRestart ? `${id}-restart` : null,
    error ? `${id}-error` : null,
  ]
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    'aria-describedby': describedBy || undefined,
    'aria-invalid': error ? true : undefined,
  };
  const label = settingLabel(name, i18n.language);
  return (
    <div className={managed ? 'field setting managed' : 'field setting'} data-setting={name}>
      {kind === 'boolean' ? (
        <div className="check">
          <input {...common} type="checkbox" checked={value === true} disabled={managed} onChange={(event) => onChange(event.target.checked)} />
          <label htmlFor={id}>{label}</label>
        </div>
      ) : (
        <label htmlFor={id}>{label}</label>
      )}
      {kind === 'locale' && (
        <select {...common} value={String(value)} disabled={managed} onChange={(event) => onChange(event.target.value)}>
          {LOCALES.map((code) => (
            <option key={code} value={code} lang={code}>
              {LOCALE_NAMES[code]}
            </option>
          ))}
        </select>
      )}
      {kind === 'list' && (
        <textarea {...common} rows={3} spellCheck={false} readOnly={managed} value={String(value)} onChange={(event) => onChange(event.target.value)} />
      )}
      {(kind === 'text' || kind === 'number') && (
        <input
          {...common}
          type="text"
          inputMode={kind === 'number' ? 'numeric' : undefined}
          spellCheck={false}
          readOnly={managed}
          value={String(value)}
          onChange={(event) => onChange(event.target.value)}
        />
      )}
      {kind === 'list' && (
        <p id={`${id}-hint`} className="hint">
          {t('settings.listHint')}
        </p>
      )}
      {atRestart && (
        <p id={`${id}-restart`} className="hint">
          {t('settings.appliedAtRestart')}
        </p>
      )}
      {managed && (
        <p id={`${id}-managed`} className="managed-note">
          {t('settings.managed')}
          {machineSource && ` — ${t(machineSource === 'policy' ? 'machinePolicy.setByPolicy' : 'machinePolicy.notSetByPolicy')}`}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}
