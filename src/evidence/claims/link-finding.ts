import { OrganAuditError } from "../../core/errors.js";
import type { Finding } from "../../core/finding.js";
import type { LinkRecord } from "./claim-map.js";
import type { Expect, FindingSelector, Stance } from "./model.js";
import { resolveSelector, selectorLabel } from "./selector.js";
import { linkClaim, type ClaimsHost, type WriteOptions } from "./store.js";

/**
 * Link a finding to a claim by selector (adapter over linkClaim): the selector is resolved against the
 * findings given (e.g. the standard audit) and the id and verdict it resolves to now are stored with
 * it. A selector matching several findings is refused (EV_CLAIM_SELECTOR, listing the candidates); one
 * matching none is refused unless `allowUnresolved`. The same rules as `evidence link-finding`.
 */
export interface FindingLinkInput {
  claimId: string;
  selector: FindingSelector;
  stance: Stance;
  expect?: Expect | null;
  note?: string;
  allowUnresolved?: boolean;
}

export interface FindingLinkResult {
  link: LinkRecord;
  replaced: LinkRecord | null;
  finding: { id: string; verdict: Finding["verdict"]; title: string; statement: string } | null;
}

export async function linkFinding(
  host: ClaimsHost,
  l: FindingLinkInput,
  findings: readonly Finding[],
  o: WriteOptions,
): Promise<FindingLinkResult> {
  const r = resolveSelector(findings, l.selector);
  if (r.status === "ambiguous") {
    throw new OrganAuditError("EV_CLAIM_SELECTOR", {
      selector: selectorLabel(l.selector),
      detail: `matches ${r.candidates.length} findings (${r.candidates.join(", ")}); add parameters or a title substring to pick one`,
    });
  }
  if (r.status === "unresolved" && !l.allowUnresolved) {
    throw new OrganAuditError("EV_CLAIM_SELECTOR", {
      selector: selectorLabel(l.selector),
      detail: "matches no finding of the audit",
    });
  }
  const hit = r.status === "resolved" ? r.finding : null;
  const { link, replaced } = await linkClaim(
    host,
    {
      claimId: l.claimId,
      kind: "finding",
      ref: hit?.id ?? "",
      stance: l.stance,
      selector: l.selector,
      expect: l.expect ?? null,
      resolvedVerdict: hit?.verdict ?? null,
      ...(l.note ? { note: l.note } : {}),
    },
    o,
  );
  return {
    link,
    replaced,
    finding: hit ? { id: hit.id, verdict: hit.verdict, title: hit.title, statement: hit.statement } : null,
  };
}
