// The bridge carries only what a screen uses (docs/security.md): every invoke channel is listed in
// the rule's options with the renderer files that call it. The rule reads the call sites
// (`client.call('channel', ...)`, `bridge.invoke('channel', ...)`) in the syntax tree:
// - a call of a channel from a file the table does not list for it is reported;
// - a file the table lists for a channel but that never calls it is reported;
// - a channel argument that is not a string literal is reported (it could not be checked), except
//   in the files that only pass a channel through (the client itself).
// A channel name inside an i18n key or any other string does not count: only call arguments do.
import { relative, resolve, sep } from 'node:path';

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Each bridge channel is called exactly from the screens the table names.' },
    schema: [
      {
        type: 'object',
        properties: {
          rendererRoot: { type: 'string' },
          screens: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
          passThrough: { type: 'array', items: { type: 'string' } },
        },
        required: ['screens'],
        additionalProperties: false,
      },
    ],
    messages: {
      notListed: "'{{channel}}' is called from {{file}}, which the bridge table does not list for it.",
      unknownChannel: "'{{channel}}' is not a channel in the bridge table.",
      missing: "The bridge table says {{file}} calls '{{channel}}', but it does not.",
      dynamic: 'The channel must be a string literal, so the bridge surface can be checked.',
    },
  },
  create(context) {
    const { rendererRoot = 'src/renderer', screens, passThrough = [] } = context.options[0];
    const file = relative(resolve(context.cwd, rendererRoot), context.filename).split(sep).join('/');
    if (file.startsWith('..')) return {};
    const expected = new Set(
      Object.entries(screens)
        .filter(([, files]) => files.includes(file))
        .map(([channel]) => channel),
    );
    const called = new Set();

    return {
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier') return;
        if (callee.property.name !== 'call' && callee.property.name !== 'invoke') return;
        const first = node.arguments[0];
        if (!first) return;
        if (first.type === 'Literal' && typeof first.value === 'string') {
          const channel = first.value;
          if (!Object.hasOwn(screens, channel)) {
            // `fn.call('x')` on something that is not the bridge: only names with a dot look like channels.
            if (channel.includes('.')) context.report({ node: first, messageId: 'unknownChannel', data: { channel } });
            return;
          }
          called.add(channel);
          if (!screens[channel].includes(file)) context.report({ node: first, messageId: 'notListed', data: { channel, file } });
          return;
        }
        if (callee.property.name === 'invoke' || (callee.object.type === 'Identifier' && /client|bridge|station/i.test(callee.object.name))) {
          if (!passThrough.includes(file)) context.report({ node: first, messageId: 'dynamic' });
        }
      },
      'Program:exit'(program) {
        for (const channel of expected) {
          if (!called.has(channel)) context.report({ node: program, messageId: 'missing', data: { channel, file } });
        }
      },
    };
  },
};
