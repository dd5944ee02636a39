import { useState } from "react";
import { put, type User } from "../api.js";
import { ErrorBox } from "../components/ErrorBox.js";

/**
 * One's own account: change the password (PUT /api/me/password). The server ends all of the user's
 * sessions, so the app returns to the login page afterwards (`onSignedOut`).
 */
export function AccountPage({ user, onSignedOut }: { user: User; onSignedOut: () => void }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const mismatch = again !== "" && next !== again;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(null);
    try {
      await put("/api/me/password", { currentPassword: current, newPassword: next });
      setDone(true);
    } catch (err) {
      setError(err);
      setCurrent("");
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="acc-h" className="forms">
      <h1 id="acc-h">Your account</h1>
      <p>
        Signed in as <strong>{user.name}</strong> with the role <strong>{user.role}</strong>.
      </p>
      {done ? (
        <div className="result-box" role="status" data-testid="password-changed">
          <p>Your password was changed and all your sessions were ended.</p>
          <button type="button" onClick={onSignedOut}>
            Log in again
          </button>
        </div>
      ) : (
        <form className="card-form" aria-labelledby="pw-h" onSubmit={submit}>
          <h2 id="pw-h">Change your password</h2>
          <div className="grid">
            <label htmlFor="pw-current">Current password</label>
            <input
              id="pw-current"
              type="password"
              autoComplete="current-password"
              required
              maxLength={1000}
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
            <label htmlFor="pw-new">New password</label>
            <input
              id="pw-new"
              type="password"
              autoComplete="new-password"
              required
              maxLength={1000}
              value={next}
              onChange={(e) => setNext(e.target.value)}
            />
            <label htmlFor="pw-again">New password again</label>
            <input
              id="pw-again"
              type="password"
              autoComplete="new-password"
              required
              maxLength={1000}
              value={again}
              onChange={(e) => setAgain(e.target.value)}
              aria-invalid={mismatch}
              aria-describedby="pw-mismatch"
            />
          </div>
          <p id="pw-mismatch" className="small" role="alert">
            {mismatch ? "The two new passwords differ." : ""}
          </p>
          <button type="submit" disabled={busy || mismatch || !current || !next || !again}>
            {busy ? "Changing…" : "Change password"}
          </button>
          <ErrorBox error={error} />
        </form>
      )}
    </section>
  );
}
