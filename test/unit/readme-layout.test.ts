import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The README's layout block names every folder of src/main (and the top-level folders) that exists, and nothing else. */
const ROOT = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const block = readme.slice(readme.indexOf('## Layout'));
const layout = block.slice(block.indexOf('```\n') + 4, block.indexOf('\n```', block.indexOf('```\n') + 4));

const folders = (dir: string) =>
  readdirSync(join(ROOT, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

describe('README layout', () => {
  const named = [...layout.matchAll(/^ {2}([a-z-]+)\/ /gm)].map((match) => match[1]!).sort();

  it('names every folder of src/main, and only those', () => {
    expect(named).toEqual(folders('src/main'));
  });

  it('leaves no module loose at the root of src/main', () => {
    const loose = readdirSync(join(ROOT, 'src', 'main')).filter((name) => name.endsWith('.ts'));
    expect(loose).toEqual([]);
  });

  it('names every folder of src and the top-level folders it lists exist', () => {
    for (const name of folders('src')) expect(layout).toContain(`src/${name}/`);
    const topLevel = [...layout.matchAll(/^([a-z]+)\/ /gm)].map((match) => match[1]!);
    for (const name of topLevel) expect(folders('.')).toContain(name);
  });
});
