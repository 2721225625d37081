import { join } from 'node:path';
import rule from '../../../lint/rules/folder-boundaries.js';
import { ruleTester } from './rule-tester';

const ROOT = '/repo';
const at = (file: string) => join(ROOT, file);
const options = [{ srcRoot: '/repo/src' }];

ruleTester().run('folder-boundaries', rule, {
  valid: [
    // another folder through its barrel, with or without /index
    { filename: at('src/main/outbox/send.ts'), code: "import { createCmClient } from '../cm';", options },
    { filename: at('src/main/outbox/send.ts'), code: "import { createCmClient } from '../cm/index';", options },
    // inside one folder, anything goes (subfolders included)
    { filename: at('src/main/pcsc/atr/structure.ts'), code: "import { tlv } from '../tlv';", options },
    { filename: at('src/main/pcsc/piv/session.ts'), code: "import { pcscError } from '../errors';", options },
    // shared from anywhere; packages and builtins are not this rule's business
    { filename: at('src/renderer/store.ts'), code: "import { z } from 'zod'; import type { X } from '../shared/contract';", options },
    { filename: at('src/shared/contract.ts'), code: "import { guidSchema } from './cm';", options },
    // the composition layer (a file directly in src/main) uses barrels too
    { filename: at('src/main/station.ts'), code: "import { createOutbox } from './outbox';", options },
  ],
  invalid: [
    {
      filename: at('src/main/station/services.ts'),
      code: "import { logCmCalls } from '../log/station-events';",
      options,
      errors: [{ messageId: 'internals', data: { folder: 'log', barrel: '../log', specifier: '../log/station-events' } }],
    },
    {
      filename: at('src/main/runtime.ts'),
      code: "import { trainingDirectory } from './training/training-directory';",
      options,
      errors: [{ messageId: 'internals' }],
    },
    // re-exports and dynamic imports are imports too
    { filename: at('src/main/cli/x.ts'), code: "export { startHost } from '../host/server';", options, errors: [{ messageId: 'internals' }] },
    { filename: at('src/main/cli/x.ts'), code: "const m = await import('../host/server');", options, errors: [{ messageId: 'internals' }] },
    { filename: at('src/shared/x.ts'), code: "import { a } from '../main/cm';", options, errors: [{ messageId: 'sharedOutward' }] },
    { filename: at('src/renderer/x.ts'), code: "import { a } from '../main/cm';", options, errors: [{ messageId: 'sideOnly' }] },
    { filename: at('src/preload/preload.ts'), code: "import { a } from '../renderer/store';", options, errors: [{ messageId: 'sideOnly' }] },
  ],
});
