/**
 * Organ Audit: the public library surface. Everything a user of the library needs is re-exported
 * here; modules not exported here are internal and may change.
 */
// core: findings, provenance, errors
export * from "./core/finding.js";
export * from "./core/errors.js";
export { canonicalJson } from "./core/canonical.js";
export { sha256Hex } from "./core/hash.js";
export { TOOL_NAME, TOOL_VERSION } from "./core/version.js";
export { createRng, type Rng } from "./stats/rng.js";

// data package
export { loadPackage, selectSeries, seriesKeys, defaultDataDir, type LoadedPackage, type SeriesSelector, type SelectedSeries } from "./data/package.js";
export { validatePackageContent, type ValidationReport, type ValidationIssue } from "./data/validate.js";
export { readSeriesCsv } from "./data/user-csv.js";

// forensics
export type { Series, PeerSet } from "./forensics/series.js";
export { parseModelName, type ModelSpec } from "./forensics/models.js";
export { fitModel, fitFinding, predictAt, type FitResult } from "./forensics/fit.js";
export { predictionFinding } from "./forensics/predict.js";
export { buildPeerSet, peerBenchmarkFinding } from "./forensics/peers.js";
export { dispersionFinding } from "./forensics/dispersion.js";
export { benfordFinding, lastDigitFinding, roundingFinding } from "./forensics/digits.js";
export { ratioSeries, ratioFindings } from "./forensics/ratios.js";
export { consistencyFinding } from "./forensics/consistency.js";
export { partsWholeFinding, counterFinding } from "./forensics/aggregation.js";
export { runAudit, applyHolm } from "./forensics/audit.js";

// models
export { validateScenario, scenarioJsonSchema, type Scenario } from "./models/scenario.js";
export { runAccounting, accountingFinding } from "./models/accounting.js";
export { runSensitivity, sensitivityFinding } from "./models/sensitivity.js";
export { capacityFinding, annualCapacity } from "./models/capacity.js";
export { waitTimeFinding, requiredFlowFinding, waitClaimFinding } from "./models/waittime.js";
export { emergencyShareFinding, emergencyPoolFinding, wilsonInterval } from "./models/ondemand.js";
export { changepointFinding } from "./models/changepoint.js";
export { loadScenarioFile } from "./data/scenario-file.js";

// the standard audit (the main job)
export { runStandardAudit, type StandardAudit, type StandardAuditOptions } from "./audit/standard.js";

// report
export { buildReport, writeReport } from "./report/build.js";
export { verifyReport } from "./report/verify.js";

// evidence archive
export { openArchive, initArchive, withArchive } from "./evidence/store/archive.js";
export { verifyArchive } from "./evidence/store/verify.js";
export { captureUrl } from "./evidence/capture/capture.js";
export { exportBundle } from "./evidence/bundle/export.js";
export { verifyItem } from "./evidence/store/verify-item.js";
export { attachSearch, searchArchiveWith, reindexArchiveWith } from "./evidence/search/backend.js";
export { importBundle } from "./evidence/bundle/import.js";

// literature screening
export type { ScreeningRecord } from "./screening/records/record.js";
export { importFile as importScreeningFile } from "./screening/records/import-file.js";
export { parseRis } from "./screening/records/ris.js";
export { dedupeRecords } from "./screening/dedupe/dedupe.js";
export { parseRules } from "./screening/rules/parse.js";
export { afindRunningCosine, afindRunningCosineMany } from "./screening/match/running-cosine.js";
export { simulate } from "./screening/simulate/simulate.js";
export { cohenKappa, gwetAc1 } from "./screening/review/agreement.js";
export { prismaCounts } from "./screening/prisma/counts.js";
export { prismaSvg } from "./screening/prisma/svg.js";
export { ScreeningStore } from "./screening/store/store.js";

// storage (SQLite or PostgreSQL behind Kysely)
export { openDatabase, type Dialect } from "./db/open.js";

// HTTP API and team server (docs/SERVER.md)
export { buildApp } from "./server/app.js";
export { openServerContext, closeServerContext, type ServerContext } from "./server/context.js";
