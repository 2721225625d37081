// The station's own ESLint rules: guardrails that read the syntax tree, not the source text
// (a string match passes for the wrong reason, e.g. an i18n key that contains a channel name).
// Each rule has its own tests in test/unit/lint/.
import bridgeSurface from './rules/bridge-surface.js';
import catchMustReport from './rules/catch-must-report.js';
import folderBoundaries from './rules/folder-boundaries.js';

export default {
  meta: { name: 'eslint-plugin-station' },
  rules: {
    'bridge-surface': bridgeSurface,
    'catch-must-report': catchMustReport,
    'folder-boundaries': folderBoundaries,
  },
};
