import { useCallback, useEffect, useRef, useState } from "react";
import { hasRole, logout, me, setUnauthorizedHandler, type User } from "./api.js";
import { href, useRoute } from "./hooks.js";
import { Loading } from "./components/ErrorBox.js";
import { LoginPage } from "./pages/Login.js";
import { DashboardPage } from "./pages/Dashboard.js";
import { AccountingPage } from "./pages/Accounting.js";
import { EvidenceSearchPage } from "./pages/EvidenceSearch.js";
import { EvidenceItemPage } from "./pages/EvidenceItem.js";
import { TimelinePage } from "./pages/Timeline.js";
import { EntitiesPage, EntityPage } from "./pages/Entities.js";
import { ClaimsPage } from "./pages/Claims.js";
import { ScreeningProjectsPage } from "./pages/ScreeningProjects.js";
import { ScreeningReviewPage } from "./pages/ScreeningReview.js";
import { ScreeningManagePage } from "./pages/ScreeningManage.js";
import { AddEvidencePage } from "./pages/AddEvidence.js";
import { AdminPage } from "./pages/Admin.js";
import { AccountPage } from "./pages/Account.js";
import type { Role } from "./api.js";

/** `role`: shown only to users with that role or a higher one (the server enforces it anyway) */
const NAV: { key: string; label: string; to: string; role?: Role }[] = [
  { key: "dashboard", label: "Findings", to: href("dashboard") },
  { key: "accounting", label: "Accounting", to: href("accounting") },
  { key: "evidence", label: "Evidence", to: href("evidence") },
  { key: "add", label: "Add evidence", to: href("add"), role: "analyst" },
  { key: "claims", label: "Claims", to: href("claims") },
  { key: "entities", label: "Entities", to: href("entities") },
  { key: "timeline", label: "Timeline", to: href("timeline") },
  { key: "screening", label: "Screening", to: href("screening") },
  { key: "users", label: "Users", to: href("users"), role: "admin" },
];

export function App() {
  const [user, setUser] = useState<User | null | undefined>(undefined);
  const route = useRoute();

  useEffect(() => {
    me().then(setUser, () => setUser(null));
    setUnauthorizedHandler(() => setUser(null));
    return () => setUnauthorizedHandler(null);
  }, []);

  // keyboard and screen-reader users land on the new page's content when the page (not its query) changes
  const pathKey = route.path.join("/");
  const firstPath = useRef(true);
  useEffect(() => {
    if (firstPath.current) {
      firstPath.current = false;
      return;
    }
    document.getElementById("main")?.focus({ preventScroll: false });
  }, [pathKey]);

  const doLogout = useCallback(async () => {
    try {
      await logout();
    } finally {
      setUser(null);
    }
  }, []);

  if (user === undefined) return <Loading what="session" />;
  if (user === null) return <LoginPage onLogin={setUser} />;

  const [top = "dashboard", a, b] = route.path;
  let page: React.ReactNode;
  switch (top) {
    case "accounting":
      page = <AccountingPage user={user} />;
      break;
    case "evidence":
      page =
        a === "items" && b ? <EvidenceItemPage key={b} id={b} user={user} /> : <EvidenceSearchPage route={route} />;
      break;
    case "timeline":
      page = <TimelinePage />;
      break;
    case "entities":
      page = a ? <EntityPage key={a} id={a} /> : <EntitiesPage route={route} />;
      break;
    case "claims":
      page = <ClaimsPage focus={a} />;
      break;
    case "screening":
      page =
        a && b === "manage" ? (
          <ScreeningManagePage key={a} projectId={a} user={user} />
        ) : a ? (
          <ScreeningReviewPage key={a} projectId={a} user={user} />
        ) : (
          <ScreeningProjectsPage user={user} />
        );
      break;
    case "add":
      page = <AddEvidencePage user={user} />;
      break;
    case "users":
      page = <AdminPage user={user} />;
      break;
    case "account":
      page = <AccountPage user={user} onSignedOut={() => setUser(null)} />;
      break;
    default:
      page = <DashboardPage route={route} />;
  }

  return (
    <div className="app">
      <a
        className="skip"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        Skip to content
      </a>
      <header className="top">
        <a className="brand" href={href("dashboard")}>
          Organ Audit
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.filter((n) => !n.role || hasRole(user, n.role)).map((n) => (
              <li key={n.key}>
                <a
                  href={n.to}
                  aria-current={
                    top === n.key || (n.key === "dashboard" && top !== "account" && !NAV.some((x) => x.key === top))
                      ? "page"
                      : undefined
                  }
                >
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <a className="user-name" href={href("account")} title="Your account" data-testid="current-user">
            {user.name}
          </a>{" "}
          <span className={`role role-${user.role}`} data-testid="current-role" title={roleHelp(user)}>
            {user.role}
          </span>{" "}
          <button type="button" onClick={doLogout}>
            Log out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
      <footer className="foot">
        <p>
          Findings say whether official figures are <em>consistent with</em> or <em>inconsistent with</em> a reference;
          they are not proof. Every number links to its method and inputs.
        </p>
      </footer>
    </div>
  );
}

function roleHelp(u: User): string {
  const can = ["read"];
  if (hasRole(u, "analyst")) can.push("add evidence, run models");
  if (hasRole(u, "reviewer")) can.push("screen, verify");
  if (hasRole(u, "admin")) can.push("manage users");
  return `You can: ${can.join("; ")}`;
}
