import { useState } from "react";
import { get, hasRole, post, put, ROLES, type Page, type Role, type User } from "../api.js";
import { ErrorBox, Loading } from "../components/ErrorBox.js";
import { useApi } from "../hooks.js";

/** GET /api/users items */
interface Account {
  id: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
}

const ROLE_HELP: Record<Role, string> = {
  viewer: "reads findings, evidence and screening results",
  analyst: "also adds evidence, imports records, edits rules, runs models",
  reviewer: "also screens records and verifies the archive",
  admin: "also manages users and may reveal sealed witness fields",
};

/**
 * User administration (admin): list, add, change role, disable, enable again. The server records every change in the
 * custody log with the admin's name; passwords are sent once and never shown.
 */
export function AdminPage({ user }: { user: User }) {
  if (!hasRole(user, "admin"))
    return (
      <section aria-labelledby="adm-h">
        <h1 id="adm-h">Users</h1>
        <p className="notice">Managing users needs the admin role (yours: {user.role}).</p>
      </section>
    );
  return <Users me={user} />;
}

function Users({ me }: { me: User }) {
  const list = useApi((s) => get<Page<Account>>("/api/users", { limit: 500 }, s), []);
  const [error, setError] = useState<unknown>(null);
  const [addError, setAddError] = useState<unknown>(null);
  const [status, setStatus] = useState("");
  const [busy, setBusy] = useState(false);

  /** run a change; its error is shown beside the table or in the add-user form (`where`) */
  async function act(what: string, fn: () => Promise<unknown>, where: "table" | "add" = "table"): Promise<boolean> {
    setBusy(true);
    setError(null);
    setAddError(null);
    setStatus("");
    try {
      await fn();
      setStatus(what);
      list.reload();
      return true;
    } catch (e) {
      if (where === "add") setAddError(e);
      else setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  }

  const users = list.data?.items ?? [];
  return (
    <section aria-labelledby="adm-h" className="forms">
      <h1 id="adm-h">Users</h1>
      <ErrorBox error={list.error} />
      {list.loading && !list.data ? <Loading what="users" /> : null}
      <table className="users" data-testid="users">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Status</th>
            <th scope="col">Created</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.id} data-user={u.name} className={u.disabled ? "disabled-user" : undefined}>
              <td>{u.name}</td>
              <td>
                <label className="sr-only" htmlFor={`role-${u.id}`}>
                  Role of {u.name}
                </label>
                <select
                  id={`role-${u.id}`}
                  value={u.role}
                  disabled={busy || u.disabled || u.name === me.name}
                  title={u.name === me.name ? "You cannot change your own role" : undefined}
                  onChange={(e) => {
                    const role = e.target.value;
                    void act(`${u.name} is now ${role}.`, () =>
                      put(`/api/users/${encodeURIComponent(u.name)}/role`, { role }),
                    );
                  }}
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </td>
              <td>{u.disabled ? "disabled" : "active"}</td>
              <td className="small">{u.createdAt.slice(0, 10)}</td>
              <td>
                {!u.disabled && u.name !== me.name && (
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() => {
                      if (window.confirm(`Disable ${u.name}? Sign-in is refused and their sessions end.`))
                        void act(`${u.name} is disabled.`, () =>
                          post(`/api/users/${encodeURIComponent(u.name)}/disable`),
                        );
                    }}
                  >
                    Disable
                  </button>
                )}
                {u.disabled && (
                  <button
                    type="button"
                    disabled={busy}
                    onClick={() =>
                      void act(`${u.name} is enabled again.`, () =>
                        post(`/api/users/${encodeURIComponent(u.name)}/enable`),
                      )
                    }
                  >
                    Enable
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p role="status" className="small" data-testid="admin-status">
        {status}
      </p>
      <ErrorBox error={error} />
      <AddUser
        busy={busy}
        error={addError}
        onAdd={(name, role, password) =>
          act(`${name} added as ${role}.`, () => post("/api/users", { name, role, password }), "add")
        }
      />
      <dl className="small muted role-help">
        {ROLES.map((r) => (
          <div key={r}>
            <dt>{r}</dt>
            <dd>{ROLE_HELP[r]}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function AddUser({
  busy,
  error,
  onAdd,
}: {
  busy: boolean;
  error: unknown;
  onAdd: (name: string, role: Role, password: string) => Promise<boolean>;
}) {
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [password, setPassword] = useState("");
  return (
    <form
      className="card-form"
      aria-labelledby="add-user-h"
      onSubmit={(e) => {
        e.preventDefault();
        void onAdd(name.trim(), role, password).then((ok) => {
          if (!ok) return;
          setName("");
          setPassword("");
        });
      }}
    >
      <h2 id="add-user-h">Add a user</h2>
      <div className="grid">
        <label htmlFor="nu-name">Name</label>
        <input
          id="nu-name"
          autoComplete="off"
          required
          maxLength={64}
          value={name}
          onChange={(e) => setName(e.target.value)}
        />
        <label htmlFor="nu-role">Role</label>
        <select id="nu-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <label htmlFor="nu-password">Initial password</label>
        <input
          id="nu-password"
          type="password"
          autoComplete="new-password"
          required
          maxLength={1000}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <p className="small muted">Give the password to the person by another channel; they should change it.</p>
      <button type="submit" disabled={busy || !name.trim() || !password}>
        Add user
      </button>
      <ErrorBox error={error} />
    </form>
  );
}
