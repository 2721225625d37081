import { type ComponentType, use } from 'react';

/**
 * A screen whose code loads when it is first shown (the first screen's bundle stays small:
 * quality.md, "Start-up and size"). Unlike React.lazy, a screen whose code is already here renders
 * at once, without a Suspense round: `preload()` marks its promise fulfilled the way React's `use`
 * reads it, so tests (and an operator who opens a screen a second time) see no loading step.
 */
export interface LazyScreen {
  (): React.ReactNode;
  preload(): Promise<void>;
}

export function lazyScreen(load: () => Promise<ComponentType>): LazyScreen {
  let loading: Promise<ComponentType> | null = null;
  const start = (): Promise<ComponentType> => {
    if (loading === null) {
      const promise: Promise<ComponentType> = load().then((component) => {
        // What React's `use` reads to return a settled promise's value without suspending.
        const tracked = promise as Promise<ComponentType> & { status?: 'fulfilled'; value?: ComponentType };
        tracked.status = 'fulfilled';
        tracked.value = component;
        return component;
      });
      loading = promise;
    }
    return loading;
  };
  function Screen() {
    const Component = use(start());
    return <Component />;
  }
  Screen.preload = async () => {
    await start();
  };
  return Screen;
}
