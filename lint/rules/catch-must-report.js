// No error is swallowed unseen (issue #10): a `catch` block either hands what it caught to a
// reporter (a log or report call), rethrows or translates it (a `throw`), or carries a comment
// saying why nothing is reported. The same for a promise's `.catch(handler)`: a handler that does
// nothing must say why, inside it. Reads the syntax tree: a comment elsewhere on the line, or the
// word "log" in a string, does not count. A block that reads the caught error (to translate it
// into a typed result) handles it.

const REPORTER_OBJECTS = new Set(['log', 'logger', 'console', 'diagnostics']);
const REPORTER_CALL = /^(log|report|warn|error|fatal|note|audit|reject|fail)/i;

/** Does this subtree call something that reports, or throw? Nested functions count: they run here. */
function reportsOrThrows(node) {
  let found = false;
  const visit = (n) => {
    if (found || n === null || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    if (n.type === 'ThrowStatement') {
      found = true;
      return;
    }
    if (n.type === 'CallExpression' || n.type === 'NewExpression') {
      const callee = n.callee;
      if (callee.type === 'Identifier' && REPORTER_CALL.test(callee.name)) found = true;
      if (callee.type === 'MemberExpression') {
        const object = callee.object;
        const property = callee.property.type === 'Identifier' ? callee.property.name : '';
        if (object.type === 'Identifier' && REPORTER_OBJECTS.has(object.name)) found = true;
        if (REPORTER_CALL.test(property)) found = true;
      }
    }
    for (const key of Object.keys(n)) {
      if (key === 'parent' || key === 'loc' || key === 'range') continue;
      const child = n[key];
      if (child && typeof child === 'object') visit(child);
    }
  };
  visit(node);
  return found;
}

export default {
  meta: {
    type: 'problem',
    docs: { description: 'A caught error is reported, rethrown, or the block says why it is not.' },
    schema: [],
    messages: {
      silentCatch:
        'This catch neither reports nor rethrows what it caught: log it, throw a typed error, or say in a comment inside the block why silence is right.',
      silentHandler:
        "This .catch handler drops the error: report it, or say in a comment inside the handler why nothing is lost (e.g. '.catch(() => { /* why */ })').",
    },
  },
  create(context) {
    const source = context.sourceCode;
    const hasComment = (node) => source.getCommentsInside(node).some((c) => c.value.trim().length > 0);

    return {
      CatchClause(node) {
        // Reading what it caught (e.g. turning it into a typed result) is handling it, not dropping it.
        const usesError = source.getDeclaredVariables(node).some((variable) => variable.references.length > 0);
        if (usesError || hasComment(node.body) || reportsOrThrows(node.body)) return;
        context.report({ node, messageId: 'silentCatch' });
      },
      CallExpression(node) {
        const callee = node.callee;
        if (callee.type !== 'MemberExpression' || callee.property.type !== 'Identifier' || callee.property.name !== 'catch') return;
        const handler = node.arguments[0];
        if (!handler || (handler.type !== 'ArrowFunctionExpression' && handler.type !== 'FunctionExpression')) return;
        const param = handler.params[0];
        const usesError =
          param?.type === 'Identifier' &&
          source.getDeclaredVariables(handler).some((variable) => variable.name === param.name && variable.references.length > 0);
        if (usesError || hasComment(handler.body) || reportsOrThrows(handler.body)) return;
        context.report({ node: handler, messageId: 'silentHandler' });
      },
    };
  },
};
