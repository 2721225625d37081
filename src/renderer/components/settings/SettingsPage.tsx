import { useEffect, useEffectEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { errorSummary } from '../../format';
import { applySettings, useClient, useStation } from '../../store';
import { useAction } from '../../use-action';
import { ErrorNotice } from '../ErrorNotice';
import { FocusHeading } from '../FocusHeading';
import { SettingsForm } from './SettingsForm';

export function SettingsPage() {
  const { t } = useTranslation();
  const navigation = useStation((s) => s.navigation);
  const settings = useStation((s) => s.settings);
  return (
    <section className="view settings" aria-labelledby="view-heading">
      <FocusHeading level={2} id="view-heading" focusKey={navigation} focusOnMount={navigation > 0}>
        {t('settings.heading')}
      </FocusHeading>
      {settings ? <SettingsForm settings={settings} /> : <SettingsLoader />}
    </section>
  );
}

/** A station that sent no settings in its snapshot: ask for them. */
function SettingsLoader() {
  const { t } = useTranslation();
  const client = useClient();
  const load = useAction();
  // Once: the settings the snapshot did not carry.
  const loadSettings = useEffectEvent(() => load.run(async () => applySettings(await client.call('settings.get', {}))));
  useEffect(() => loadSettings(), []);
  if (load.error) return <ErrorNotice error={errorSummary(load.error)} />;
  return <p role="status">{t('common.working')}</p>;
}
