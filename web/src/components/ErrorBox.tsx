import { ApiError } from "../api.js";

/** An error from the API, shown with its stable code. */
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : "E_CLIENT";
  const msg = error instanceof Error ? error.message : String(error);
  return (
    <div className="error" role="alert">
      <strong>{code}</strong> {msg}
    </div>
  );
}

export function Loading({ what }: { what?: string }) {
  return (
    <p className="muted" aria-live="polite">
      Loading{what ? ` ${what}` : ""}…
    </p>
  );
}
