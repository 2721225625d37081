/** The part of the Reflect metadata API tsyringe uses (see ./x509.ts); installed once, never over a real one. */
type Key = string | symbol;
type Target = object;
const store = new WeakMap<Target, Map<Key | undefined, Map<unknown, unknown>>>();

function table(target: Target, property: Key | undefined, create: boolean): Map<unknown, unknown> | undefined {
  let byProperty = store.get(target);
  if (byProperty === undefined) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let entries = byProperty.get(property);
  if (entries === undefined && create) {
    entries = new Map();
    byProperty.set(property, entries);
  }
  return entries;
}

function getOwnMetadata(key: unknown, target: Target, property?: Key): unknown {
  return table(target, property, false)?.get(key);
}

function getMetadata(key: unknown, target: Target, property?: Key): unknown {
  for (let t: Target | null = target; t !== null; t = Object.getPrototypeOf(t) as Target | null) {
    const value = table(t, property, false);
    if (value?.has(key) === true) return value.get(key);
  }
  return undefined;
}

function defineMetadata(key: unknown, value: unknown, target: Target, property?: Key): void {
  table(target, property, true)?.set(key, value);
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect.getMetadata !== 'function') {
  Object.assign(reflect, {
    getMetadata,
    getOwnMetadata,
    defineMetadata,
    hasMetadata: (key: unknown, target: Target, property?: Key) => getMetadata(key, target, property) !== undefined,
    metadata: (key: unknown, value: unknown) => (target: Target, property?: Key) => defineMetadata(key, value, target, property),
  });
}
