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

const NAV: { key: string; label: string; to: string }[] = [
  { key: "dashboard", label: "Findings", to: href("dashboard") },
  { key: "accounting", label: "Accounting", to: href("accounting") },
  { key: "evidence", label: "Evidence", to: href("evidence") },
  { key: "claims", label: "Claims", to: href("claims") },
  { key: "entities", label: "Entities", to: href("entities") },
  { key: "timeline", label: "Timeline", to: href("timeline") },
  { key: "screening", label: "Screening", to: href("screening") },
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
      page = a ? <ScreeningReviewPage key={a} projectId={a} user={user} /> : <ScreeningProjectsPage user={user} />;
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
            {NAV.map((n) => (
              <li key={n.key}>
                <a
                  href={n.to}
                  aria-current={
                    top === n.key || (n.key === "dashboard" && !NAV.some((x) => x.key === top)) ? "page" : undefined
                  }
                >
                  {n.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span className="user-name" data-testid="current-user">
            {user.name}
          </span>{" "}
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
