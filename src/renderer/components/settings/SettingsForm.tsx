import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorPayload } from '../../../shared/errors';
import { isMachineOnlyKey, SETTING_KEYS, type SettingKey, settingLabel, type SettingsView } from '../../../shared/settings';
import { errorSummary } from '../../format';
import { applySettings, useClient } from '../../store';
import { useAction } from '../../use-action';
import { problemText } from '../../wording';
import { ErrorNotice } from '../ErrorNotice';
import { draftChanges, toDraft, type Draft } from './draft';
import { PolicyStatus } from './PolicyStatus';
import { SettingField } from './SettingField';

function failureKey(error: ErrorPayload): 'settings.locked' | 'settings.invalid' | 'settings.failed' {
  if (error.code === 'SETTING_LOCKED' || error.code === 'SETTING_MACHINE_ONLY') return 'settings.locked';
  if (error.code === 'SETTINGS_INVALID') return 'settings.invalid';
  return 'settings.failed';
}

/** The settings a refusal names (details.keys / details.key), e.g. the locked ones. */
function namedKeys(error: ErrorPayload | null): SettingKey[] {
  if (!error) return [];
  const { keys, key } = error.details;
  const named = Array.isArray(keys) ? keys : [key];
  return SETTING_KEYS.filter((k) => named.includes(k));
}

/** The problems the station lists with the values (details.problems). */
function problemLines(error: ErrorPayload | null): string[] {
  const problems = error?.details['problems'];
  return Array.isArray(problems) ? problems.filter((p): p is string => typeof p === 'string') : [];
}

/** Every setting with its value; saving sends only what the operator changed and may change. */
export function SettingsForm({ settings }: { settings: SettingsView }) {
  const { t, i18n } = useTranslation();
  const client = useClient();
  const id = useId();
  const save = useAction();
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings.values));
  const [dirty, setDirty] = useState(false);
  const [invalid, setInvalid] = useState<SettingKey[]>([]);
  const [outcome, setOutcome] = useState<'saved' | 'unchanged' | null>(null);

  // A change made elsewhere (policy, another window) shows up unless the operator is editing.
  useEffect(() => {
    if (!dirty) setDraft(toDraft(settings.values));
  }, [settings, dirty]);

  const flagged = namedKeys(save.error);
  const problems = problemLines(save.error);

  return (
    <>
      <PolicyStatus settings={settings} />
      <form
        className="settings-form"
        aria-labelledby="view-heading"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          setOutcome(null);
          const changes = draftChanges(draft, settings.values, settings.managed);
          setInvalid(changes.invalid);
          if (changes.invalid.length > 0) {
            document.getElementById(`${id}-${changes.invalid[0]}`)?.focus();
            return;
          }
          if (Object.keys(changes.update).length === 0) {
            setOutcome('unchanged');
            return;
          }
          save.run(async () => {
            const view = await client.call('settings.update', changes.update);
            setDirty(false);
            applySettings(view);
            setOutcome('saved');
          });
        }}
      >
        {SETTING_KEYS.map((key) => (
          <SettingField
            key={key}
            name={key}
            idPrefix={id}
            value={draft[key]}
            managed={settings.managed[key] === true}
            machineSource={isMachineOnlyKey(key) ? (settings.policy.keys.includes(key) ? 'policy' : 'default') : null}
            error={
              invalid.includes(key)
                ? t('settings.numberInvalid', { field: settingLabel(key, i18n.language) })
                : flagged.includes(key)
                  ? t('settings.refusedField')
                  : null
            }
            onChange={(value) => {
              setDraft((d) => ({ ...d, [key]: value }));
              setDirty(true);
              setOutcome(null);
            }}
          />
        ))}
        <div className="form-feedback">
          {save.error && <ErrorNotice context={t(failureKey(save.error))} error={errorSummary(save.error)} className="settings-error" />}
          {save.error && (flagged.length > 0 || problems.length > 0) && (
            <ul className="problems">
              {flagged.map((key) => (
                <li key={key}>{settingLabel(key, i18n.language)}</li>
              ))}
              {problems.map((line) => (
                <li key={line}>{problemText(t, line)}</li>
              ))}
            </ul>
          )}
          <p role="status" aria-live="polite">
            {outcome === 'saved' && t('settings.saved')}
            {outcome === 'unchanged' && t('settings.nothingToSave')}
          </p>
        </div>
        <button type="submit" className="primary" disabled={save.pending}>
          {t('settings.save')}
        </button>
      </form>
    </>
  );
}
