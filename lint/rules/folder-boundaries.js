// Which folder may import which (design.md, "Rules that keep it simple"): under src/main each
// top-level folder is a capability, and another folder reaches it only through its barrel
// (`../cm`, never `../cm/client`). src/shared imports nothing of main, preload or renderer; the
// renderer and the preload import only src/shared (and their own files).
import { dirname, relative, resolve, sep } from 'node:path';

const SRC_PARTS = (file) => file.split(sep).join('/');

/** `{ area, folder }` of a path under src, or null outside src. */
function placeOf(root, file) {
  const rel = SRC_PARTS(relative(root, file));
  if (rel.startsWith('..')) return null;
  const parts = rel.split('/');
  const area = parts[0];
  if (area === 'main') {
    // A file directly in src/main is the composition layer: folder null.
    return { area, folder: parts.length > 2 ? parts[1] : null, rest: parts.slice(2) };
  }
  return { area, folder: null, rest: parts.slice(1) };
}

const BARREL = /^(index)(\.[cm]?[jt]sx?)?$/;

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Folders import each other only through their barrels; shared, preload and renderer keep to their side.' },
    schema: [{ type: 'object', properties: { srcRoot: { type: 'string' } }, additionalProperties: false }],
    messages: {
      internals: "'{{folder}}' is another capability folder: import its barrel ('{{barrel}}'), not its internals ('{{specifier}}').",
      sharedOutward: 'src/shared is the contract: it imports nothing from src/{{area}}.',
      sideOnly: 'src/{{from}} imports only src/shared and its own files, not src/{{area}}.',
    },
  },
  create(context) {
    const options = context.options[0] ?? {};
    const root = resolve(context.cwd, options.srcRoot ?? 'src');
    const here = placeOf(root, context.filename);
    if (here === null) return {};

    function check(node, specifier) {
      if (typeof specifier !== 'string' || !specifier.startsWith('.')) return;
      const target = placeOf(root, resolve(dirname(context.filename), specifier));
      if (target === null) return;
      if (here.area === 'shared' && target.area !== 'shared') {
        context.report({ node, messageId: 'sharedOutward', data: { area: target.area } });
        return;
      }
      if ((here.area === 'renderer' || here.area === 'preload') && target.area !== here.area && target.area !== 'shared') {
        context.report({ node, messageId: 'sideOnly', data: { from: here.area, area: target.area } });
        return;
      }
      if (here.area !== 'main' || target.area !== 'main' || target.folder === null) return;
      if (target.folder === here.folder) return;
      const inside = target.rest;
      if (inside.length === 0 || (inside.length === 1 && BARREL.test(inside[0]))) return;
      const barrel = SRC_PARTS(relative(dirname(context.filename), resolve(root, 'main', target.folder))) || '.';
      context.report({
        node,
        messageId: 'internals',
        data: { folder: target.folder, barrel: barrel.startsWith('.') ? barrel : `./${barrel}`, specifier },
      });
    }

    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
    };
  },
};
