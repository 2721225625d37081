import { describe, expect, it } from 'vitest';
import { BRIDGE_SCREENS, READ_ONLY_WITHOUT_SCREEN } from '../../../lint/bridge-screens.js';
import rule from '../../../lint/rules/bridge-surface.js';
import { INVOKE_CHANNELS } from '../../../src/shared/channels';
import { ruleTester } from './rule-tester';

const screens = { 'card.read': ['components/ReadAgain.tsx'], 'diagnostics.run': ['components/Diagnostics.tsx'] };
const options = [{ rendererRoot: '/repo/src/renderer', screens, passThrough: ['client.ts'] }];
const at = (file: string) => `/repo/src/renderer/${file}`;

ruleTester().run('bridge-surface', rule, {
  valid: [
    { filename: at('components/ReadAgain.tsx'), code: "await client.call('card.read', { reader });", options },
    { filename: at('components/Diagnostics.tsx'), code: "void station.invoke('diagnostics.run', {});", options },
    // an i18n key that spells a channel is not a call
    { filename: at('components/Other.tsx'), code: "t('diagnostics.run'); label('card.read');", options },
    { filename: at('client.ts'), code: 'await bridge.invoke(channel, request);', options },
    // files outside the renderer are not checked
    { filename: '/repo/src/main/cli/x.ts', code: "client.call('card.read', {});", options },
  ],
  invalid: [
    {
      filename: at('components/Other.tsx'),
      code: "await client.call('card.read', { reader });",
      options,
      errors: [{ messageId: 'notListed', data: { channel: 'card.read', file: 'components/Other.tsx' } }],
    },
    // the screen the table names must really call it: the i18n key alone does not count
    {
      filename: at('components/Diagnostics.tsx'),
      code: "t('diagnostics.run');",
      options,
      errors: [{ messageId: 'missing', data: { channel: 'diagnostics.run', file: 'components/Diagnostics.tsx' } }],
    },
    {
      filename: at('components/ReadAgain.tsx'),
      code: "client.call('card.read', {}); client.call('cards.readAll', {});",
      options,
      errors: [{ messageId: 'unknownChannel' }],
    },
    { filename: at('components/ReadAgain.tsx'), code: "client.call('card.read', {}); client.call(name, {});", options, errors: [{ messageId: 'dynamic' }] },
  ],
});

describe('the bridge table', () => {
  it('names every invoke channel and nothing else', () => {
    expect(Object.keys(BRIDGE_SCREENS).sort()).toEqual([...INVOKE_CHANNELS].sort());
  });

  it('leaves a channel without a screen only when it is read-only', () => {
    const unused = Object.entries(BRIDGE_SCREENS)
      .filter(([, files]) => files.length === 0)
      .map(([channel]) => channel);
    expect(unused.sort()).toEqual([...READ_ONLY_WITHOUT_SCREEN].sort());
  });

  it("does not carry enrollment.retire: retiring a card outside an enrollment is the CLI's, in-process", () => {
    expect(INVOKE_CHANNELS as readonly string[]).not.toContain('enrollment.retire');
  });
});
