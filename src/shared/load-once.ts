/**
 * A module (or anything) loaded on first use and kept: every caller shares the one load in flight,
 * and a failed load is tried again by the next caller (the failing caller gets the error). The
 * code loaded on demand rather than at start-up (issue 19 item 7) goes through this: main's
 * cm/on-demand.ts, pcsc/piv-on-demand.ts, issuance/service.ts (prepare), the simulator's execution
 * routes (training/cm-sim/execution/lazy.ts), and the renderer's languages (renderer/i18n).
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = null;
      throw err;
    }));
}
