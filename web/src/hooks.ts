import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from "react";

/**
 * Load data from the API; re-runs when `deps` change; aborts the previous request. The data of other
 * deps is never returned (it would be of another shape or another record); a reload() keeps the data
 * shown until the new answer arrives.
 */
export function useApi<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
): { data: T | null; error: unknown; loading: boolean; reload: () => void } {
  const key = JSON.stringify(deps);
  const [state, setState] = useState<{ key: string; data: T } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const data = state && state.key === key ? state.data : null;
  useEffect(() => {
    const ctl = new AbortController();
    setLoading(true);
    setError(null);
    fn(ctl.signal).then(
      (d) => {
        if (!ctl.signal.aborted) {
          setState({ key, data: d });
          setLoading(false);
        }
      },
      (e: unknown) => {
        if (!ctl.signal.aborted) {
          setError(e);
          setLoading(false);
        }
      },
    );
    return () => ctl.abort();
  }, [key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}

/** A value that follows `value` after it has stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

// ---- hash routing: #/path/a/b?x=1 ----------------------------------------------------------------------
export interface Route {
  path: string[];
  query: URLSearchParams;
}

function subscribe(cb: () => void): () => void {
  window.addEventListener("hashchange", cb);
  return () => window.removeEventListener("hashchange", cb);
}

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#/, "");
  const [p = "", q = ""] = h.split("?", 2);
  return {
    path: p
      .split("/")
      .filter(Boolean)
      .map((s) => decodeURIComponent(s)),
    query: new URLSearchParams(q),
  };
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseHash(hash);
}

/** Build a hash link: href("evidence", "items", id) → "#/evidence/items/<id>" */
export function href(...parts: (string | Record<string, string | undefined>)[]): string {
  const segs: string[] = [];
  let q = "";
  for (const p of parts) {
    if (typeof p === "string") segs.push(encodeURIComponent(p));
    else {
      const u = new URLSearchParams();
      for (const [k, v] of Object.entries(p)) if (v) u.set(k, v);
      q = u.toString();
    }
  }
  return `#/${segs.join("/")}${q ? `?${q}` : ""}`;
}

export function navigate(to: string): void {
  window.location.hash = to.replace(/^#/, "");
}
