import { useState } from "react";
import { login, type User } from "../api.js";
import { ErrorBox } from "../components/ErrorBox.js";

/** Log in: POST /api/session. The server sets an HttpOnly cookie; the app keeps no token. */
export function LoginPage({ onLogin }: { onLogin: (u: User) => void }) {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onLogin(await login(username, password));
    } catch (err) {
      setError(err);
      setPassword("");
    } finally {
      setBusy(false);
    }
  }
  return (
    <main className="login" id="main">
      <h1>Organ Audit</h1>
      <p className="muted">Audit official organ-transplant statistics, keep an evidence archive, screen literature.</p>
      <form onSubmit={submit} aria-label="Log in">
        <label htmlFor="login-user">User name</label>
        <input
          id="login-user"
          name="username"
          autoComplete="username"
          value={username}
          onChange={(e) => setUsername(e.target.value)}
          required
          autoFocus
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <button type="submit" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
        <ErrorBox error={error} />
      </form>
    </main>
  );
}
