import type { SettingsView } from '../../shared/settings';
import { requestTypeNumbersSchema } from '../../shared/request-types';
import type { SettingsService } from '../config';
import { trainingRequestTypeNumbers } from '../training';

/**
 * The same settings, with the CM URL the start decided on (the training simulator, or a CLI
 * flag). Only what the station runs with changes: the settings view still shows what is saved
 * (settings accept only https URLs; the simulator is plain HTTP on loopback), with the URL shown
 * as managed since changing it would have no effect while overridden.
 */
export function withCmUrl(service: SettingsService, cmBaseUrl: string): SettingsService {
  const decorate = (view: SettingsView): SettingsView => ({ ...view, managed: { ...view.managed, cmBaseUrl: true } });
  return {
    effective: () => ({ ...service.effective(), cmBaseUrl }),
    view: () => decorate(service.view()),
    update: (patch) => decorate(service.update(patch)),
    policyChanged: () => service.policyChanged(),
    subscribe: (listener) => service.subscribe((view) => listener(decorate(view))),
  };
}

/**
 * Training's simulated CM comes with the RequestType numbers IT would have confirmed for it
 * (cm-sim/fixtures/training-directory.json), so practice works like a configured station. A real
 * station gets `requestTypeNumbers` only from machine policy.
 */
export function withTrainingPolicy(service: SettingsService): SettingsService {
  const numbers = requestTypeNumbersSchema.parse(trainingRequestTypeNumbers());
  return {
    ...service,
    effective: () => {
      const settings = service.effective();
      return { ...settings, requestTypeNumbers: { ...numbers, ...settings.requestTypeNumbers } };
    },
  };
}
