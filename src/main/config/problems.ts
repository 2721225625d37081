import type { z } from 'zod';

/** `values.readerExclude[2]`: the way IT would point at the spot in the JSON file. */
function formatPath(path: readonly PropertyKey[]): string {
  return path.map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`)).join('');
}

/**
 * One line per problem, each naming the exact key. Unknown keys get a line each (zod reports them
 * together) so none of them can hide behind another.
 */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown key`);
    }
    const where = formatPath(issue.path);
    return [where === '' ? issue.message : `${where}: ${issue.message}`];
  });
}
