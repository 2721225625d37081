import { type ComponentType, use } from 'react';

/**
 * A screen (or a part of one) whose code loads when it is first shown (the first screen's bundle
 * stays small: quality.md, "Start-up and size"). Unlike React.lazy, a screen whose code is already
 * here renders at once, without a Suspense round: `preload()` marks its promise fulfilled the way
 * React's `use` reads it, so tests (and an operator who opens a screen a second time) see no
 * loading step. Props pass through to the loaded component.
 */
export interface LazyScreen<P extends object = object> {
  (props: P): React.ReactNode;
  preload(): Promise<void>;
}

export function lazyScreen(load: () => Promise<ComponentType>): LazyScreen;
export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): LazyScreen<P>;
export function lazyScreen<P extends object>(load: () => Promise<ComponentType<P>>): LazyScreen<P> {
  let loading: Promise<ComponentType<P>> | null = null;
  const start = (): Promise<ComponentType<P>> => {
    if (loading === null) {
      const promise: Promise<ComponentType<P>> = load().then((component) => {
        // What React's `use` reads to return a settled promise's value without suspending.
        const tracked = promise as Promise<ComponentType<P>> & { status?: 'fulfilled'; value?: ComponentType<P> };
        tracked.status = 'fulfilled';
        tracked.value = component;
        return component;
      });
      loading = promise;
    }
    return loading;
  };
  function Screen(props: P) {
    const Component = use(start());
    return <Component {...props} />;
  }
  Screen.preload = async () => {
    await start();
  };
  return Screen;
}
