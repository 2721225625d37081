/**
 * A module (or anything) loaded on first use and kept: every caller shares the one load in flight,
 * and a failed load is tried again by the next caller (the failing caller gets the error). The
 * code loaded on demand rather than at start-up (issue 19 item 7) goes through this:
 * cm/on-demand.ts, pcsc/piv-on-demand.ts, issuance/service.ts (prepare).
 */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | null = null;
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = null;
      throw err;
    }));
}
