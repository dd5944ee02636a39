import type { Verdict } from "../api.js";

const LABEL: Record<Verdict, string> = {
  flag: "flag: inconsistent with reference",
  pass: "pass: consistent with reference",
  "insufficient-data": "insufficient data",
  estimate: "estimate",
};

/** A verdict shown with colour AND words (never colour alone). */
export function VerdictBadge({ verdict }: { verdict: Verdict }) {
  return (
    <span className={`badge verdict-${verdict}`} title={LABEL[verdict] ?? verdict}>
      {verdict}
    </span>
  );
}

/** A badge with an explicit tone and text. */
export function Badge({
  tone,
  children,
  title,
}: {
  tone: "good" | "bad" | "warn" | "neutral";
  children: React.ReactNode;
  title?: string;
}) {
  return (
    <span className={`badge tone-${tone}`} title={title}>
      {children}
    </span>
  );
}
