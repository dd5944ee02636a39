/**
 * Every user-facing error and caveat message, in one place, with a stable code.
 * Add new codes to the section of your area; never reuse or renumber a code.
 * Wording rule: neutral and exact; say what was expected and what was found.
 */
const catalogue = {
  // --- general / input (E_*) ---
  E_USAGE: (a: { detail: string }) => `usage error: ${a.detail}`,
  E_FILE_NOT_FOUND: (a: { file: string }) => `file not found: ${a.file}`,
  E_FILE_READ: (a: { detail: string }) => `cannot read file: ${a.detail}`,
  E_ENCODING: (a: { detected: string }) =>
    `file is not valid UTF-8 (detected encoding: ${a.detected}); convert it to UTF-8`,
  E_CSV_PARSE: (a: { detail: string }) => `malformed CSV: ${a.detail}`,
  E_CSV_MISSING_COLUMN: (a: { column: string; available: string }) =>
    `column "${a.column}" not found (columns: ${a.available})`,
  E_NOT_A_NUMBER: (a: { value: string }) => `expected a number, found "${a.value}"`,
  E_DUPLICATE_X: (a: { x: string }) => `duplicate x value ${a.x}`,
  E_EMPTY_INPUT: (a: { what: string }) => `no data: ${a.what}`,
  E_INVALID_JSON: (a: { detail: string }) => `invalid JSON: ${a.detail}`,
  E_INVALID_VALUE: (a: { detail: string }) => `invalid value: ${a.detail}`,

  // --- data package (D_*) ---
  D_PACKAGE_NOT_FOUND: (a: { dir: string }) => `no datapackage.json in ${a.dir}`,
  D_PACKAGE_INVALID: (a: { detail: string }) => `datapackage.json is invalid: ${a.detail}`,
  D_UNKNOWN_TABLE: (a: { table: string; available: string }) =>
    `unknown table "${a.table}" (tables: ${a.available})`,
  D_HEADER_MISMATCH: (a: { expected: string; found: string }) =>
    `header does not match the table schema: expected ${a.expected}, found ${a.found}`,
  D_TYPE: (a: { type: string; value: string }) => `expected ${a.type}, found "${a.value}"`,
  D_REQUIRED: () => `value is required but empty`,
  D_CONSTRAINT: (a: { constraint: string; value: string }) => `value "${a.value}" violates ${a.constraint}`,
  D_DUPLICATE_KEY: (a: { key: string; firstLine: number }) =>
    `duplicate primary key ${a.key} (first seen on line ${a.firstLine})`,
  D_FOREIGN_KEY: (a: { value: string; reference: string }) =>
    `"${a.value}" does not resolve to a row of ${a.reference}`,
  D_DECREASING_COUNTER: (a: { series: string; previous: string; value: string; previousLine: number }) =>
    `cumulative counter ${a.series} decreases from ${a.previous} (line ${a.previousLine}) to ${a.value}`,
  D_BOM: () => `file starts with a UTF-8 byte-order mark; save it without BOM`,
  D_LINE_ENDINGS: (a: { found: string }) => `line endings are ${a.found}; the package uses LF only`,
  D_ROW_LENGTH: (a: { expected: number; found: number }) => `row has ${a.found} cells, header has ${a.expected}`,

  // --- forensics (F_*) ---
  // forensics checks: ratios, consistency, aggregation, digits, audit, calibration (F_CHK_*, C_CHK_*)
  F_CHK_NO_OVERLAP: (a: { a: string; b: string }) => `series "${a.a}" and "${a.b}" share no x values`,
  F_CHK_LENGTH: (a: { what: string; expected: number; found: number }) =>
    `${a.what}: expected ${a.expected} values, found ${a.found}`,
  F_CHK_NOT_FINITE: (a: { what: string; value: string }) => `${a.what}: value ${a.value} is not a finite number`,
  F_CHK_UNSORTED: (a: { what: string }) => `${a.what}: x values must be strictly increasing (sorted, no duplicates)`,
  F_CHK_BAD_OPTION: (a: { option: string; detail: string }) => `invalid option ${a.option}: ${a.detail}`,
  F_CHK_BAD_DATE: (a: { value: string }) => `expected an ISO date (YYYY-MM-DD), found "${a.value}"`,
  F_CHK_BAD_QUALIFIER: (a: { value: string; allowed: string }) =>
    `unknown qualifier "${a.value}" (allowed: ${a.allowed})`,
  F_CHK_DUPLICATE_DATE: (a: { date: string }) => `duplicate counter date ${a.date}`,
  C_CHK_DIGITS_EXCLUDED: (a: { excluded: number; reason: string }) =>
    `${a.excluded} value(s) were excluded from the digit test (${a.reason})`,
  C_CHK_DIGITS_LOW_N: (a: { n: number; nMin: number; test: string }) =>
    `${a.test}: only ${a.n} usable value(s); the chi-square approximation needs at least ${a.nMin} (expected count >= 5 in every cell), so the test cannot decide`,
  C_CHK_DIGITS_LOW_POWER: (a: { power: string; alternative: string }) =>
    `power against ${a.alternative} is only ${a.power} at this sample size: a pass is weak evidence of conformity`,
  C_CHK_DIGITS_NOT_PROOF: () =>
    `digit tests show whether digit frequencies are consistent with a reference distribution; many genuine series do not follow Benford's law (e.g. counts spanning less than one order of magnitude), and conformity does not prove authenticity`,
  C_CHK_DIGITS_LARGE_N: () =>
    `with large samples the chi-square test rejects for trivial departures; read the MAD conformity band alongside the p-value`,
  C_CHK_RATIO_ZERO_DEN: (a: { xs: string }) => `denominator is zero at x = ${a.xs}; those points were dropped`,
  C_CHK_RATIO_BOUNDS: (a: { min: string; max: string }) =>
    `bounds used: a ratio below ${a.min} or above ${a.max} is treated as physically implausible for this series; check that numerator and denominator count the same population and period`,
  C_CHK_FEW_PEERS: (a: { n: number; minP: string; alpha: string }) =>
    `only ${a.n} peer(s): the smallest attainable rank p-value is ${a.minP}, which cannot fall below alpha = ${a.alpha}`,
  C_CHK_PEER_WINDOW: (a: { dropped: number }) =>
    `${a.dropped} peer(s) had fewer than 3 points in the target's x window and were left out`,
  C_CHK_CONSTANCY_MEANING: () =>
    `a ratio that is more constant than every peer's is consistent with figures derived from one another by a fixed factor; it can also arise from stable clinical practice, and the test cannot tell these apart`,
  C_CHK_FEW_POINTS: (a: { n: number; need: number }) =>
    `only ${a.n} usable point(s); this check needs at least ${a.need}`,
  C_CHK_EXPECTATION: (a: { expect: string }) =>
    `the verdict depends on the stated expectation that the two series are ${a.expect}; it is only as good as that expectation`,
  C_CHK_QUALIFIER_READING: () =>
    `qualified figures were read as intervals: "more than V" as [V, V + u) and "about V" as [V - u, V + u], where u is the rounding unit implied by V's trailing zeros (570 -> 10, 18,000 -> 1,000); read literally, "more than V" is only a lower bound`,
  C_CHK_INCOMPLETE_PARTS: () =>
    `the parts are declared incomplete: the remainder is what the whole implies for the parts not listed; only a negative remainder is a contradiction`,
  C_CHK_ROUND_JUMP: (a: { unit: number }) =>
    `the p-value treats the last digits of each increment as uniform, so that an increment is a multiple of ${a.unit} with probability 1/${a.unit}; manual or batched counter updates can violate this`,
  C_CHK_HOLM: (a: { m: number; excluded: number }) =>
    `p-values adjusted with Holm's step-down method over the ${a.m} finding(s) with a p-value; ${a.excluded} finding(s) with insufficient data or no p-value were excluded from the correction`,
  C_CHK_RULE_VERDICT: () => `this check has no p-value; its verdict follows its own stated rule and is not multiplicity-adjusted`,
  C_CHK_HOLM_DOWNGRADE: (a: { p: string; pAdjusted: string; alpha: string }) =>
    `the unadjusted p-value ${a.p} is below alpha, but after Holm's correction across the battery (${a.pAdjusted}) it is not below ${a.alpha}; reported as pass`,

  // formula fits: fit, predict, peers, dispersion (F_FIT_*, C_FIT_*, C_PRED_*, C_PEER_*, C_DISP_*)
  F_UNKNOWN_MODEL: (a: { name: string; available: string }) => `unknown model "${a.name}" (models: ${a.available})`,
  F_LENGTH_MISMATCH: (a: { nx: number; ny: number }) => `x has ${a.nx} values but y has ${a.ny}`,
  F_FIT_BAD_OPTION: (a: { option: string; detail: string }) => `invalid option ${a.option}: ${a.detail}`,
  F_FIT_NO_ESTIMATE: (a: { model: string }) =>
    `the ${a.model} fit has no estimate (status insufficient-data), so it cannot predict`,
  C_FIT_OVERFLOW: () => `the values are too large for double precision (sums of squares overflow); rescale the data`,
  C_FIT_UNEVEN_X: () =>
    `x values are not equally spaced (missing years?): the running totals pass over the gaps, so a cumulative fit compares unlike steps`,
  C_FIT_TOO_FEW_POINTS: (a: { n: number; k: number }) =>
    `${a.n} points for a model with ${a.k} parameters: at least ${a.k + 1} are needed to leave a residual degree of freedom`,
  C_FIT_ALL_EQUAL_X: () => `all x values are equal: a trend in x cannot be fitted`,
  C_FIT_RANK_DEFICIENT: (a: { n: number; k: number }) =>
    `the ${a.n} x values cannot determine ${a.k} parameters (numerically rank-deficient design)`,
  C_FIT_NO_START: (a: { model: string }) =>
    `no starting values for ${a.model}: the linearised fit needs enough positive y values`,
  C_FIT_NOT_CONVERGED: (a: { model: string; iterations: number }) =>
    `the nonlinear fit of ${a.model} did not converge (${a.iterations} iterations); no estimate is reported`,
  C_FIT_CONSTANT_Y: () => `all y values are equal: R^2 is undefined`,
  C_FIT_PERFECT: () =>
    `the model reproduces the data exactly (RSS = 0 up to rounding): log-likelihood, AIC, AICc and BIC are undefined and reported as null; standard errors are 0`,
  C_FIT_AICC_UNDEFINED: (a: { n: number; K: number }) =>
    `AICc needs n > K + 1 (n = ${a.n}, K = ${a.K} including the error variance); reported as null`,
  C_FIT_R2_CONVENTIONS: () =>
    `the model has no free intercept: r2 is the centered R^2, 1 - RSS/sum((y - mean y)^2); r2Uncentered is 1 - RSS/sum(y^2), which is always larger and is not comparable with the R^2 of models with an intercept`,
  C_FIT_CUMULATIVE: () =>
    `fitted to running totals: cumulative values are serially dependent, so R^2 is inflated and residuals are not independent`,
  C_FIT_COEF_UNREPRESENTABLE: () =>
    `a coefficient for x as given over- or underflows double precision and is reported as null; use centredCoefficients (x centred and scaled)`,
  C_FIT_RAW_COEF_ILL_CONDITIONED: (a: { digits: number }) =>
    `coefficients for x as given are ill-conditioned (x far from 0 relative to its spread): computing them, or evaluating the curve with them, loses up to about ${a.digits} significant digits to cancellation; fitted values, residuals and R^2 are computed in centred x and are unaffected`,
  C_FIT_LOGISTIC_UNSATURATED: () =>
    `the fitted carrying capacity K is more than 10 times the largest value: the series shows no saturation, so K, r and t0 are weakly identified`,
  C_FIT_SMOOTH_TREND: () =>
    `a high R^2 over a short, smoothly growing series is expected of any low-order curve; R^2 alone does not show manipulation, only its comparison with real peer series can`,
  C_PRED_NO_PEERS: () => `no peer series: the prediction error is reported as an estimate, not judged`,
  C_PRED_APPROX_INTERVAL: () =>
    `the model is nonlinear: the prediction interval uses the delta method and a t quantile, an approximation`,
  C_PRED_TOO_SHORT: (a: { n: number; need: number }) =>
    `${a.n} points: at least ${a.need} are needed to fit on the first k and predict the next`,
  C_PRED_PEERS_SKIPPED: (a: { skipped: number; total: number }) =>
    `${a.skipped} of ${a.total} peer series lacked the years needed or could not be fitted and were skipped`,
  C_PRED_ZERO_TARGET: () => `the observed value to predict is 0: the relative error is undefined`,
  C_PEER_SKIPPED: (a: { skipped: number; total: number; need: string }) =>
    `${a.skipped} of ${a.total} peer series were skipped (${a.need})`,
  C_PEER_TOO_FEW: (a: { n: number; min: number }) =>
    `only ${a.n} usable peer series (at least ${a.min} needed for a comparison)`,
  C_PEER_MIN_P: (a: { n: number; p: string }) =>
    `with ${a.n} peers the smallest attainable rank p-value is ${a.p}; the peer set cannot give stronger evidence than that`,
  C_PEER_EXCHANGEABILITY: () =>
    `the rank p-value assumes the target behaves like a draw from the same population as the peers; peers differ in size, growth stage and reporting practice`,
  C_PEER_PERFECT: () =>
    `a series fits exactly (1 - R^2 = 0): its log10 ratio is not finite and is reported as null`,
  C_PEER_CONFLICT: (a: { key: string; x: string; values: string }) =>
    `peer ${a.key} has conflicting values at x = ${a.x} (${a.values}); the first listed was kept`,
  C_PEER_REPEATED_VALUES: (a: { keys: string }) =>
    `identical values in 3 or more consecutive years (possibly carried forward, not new data) in: ${a.keys}`,
  C_DISP_CUMULATIVE: () =>
    `the counting-noise test applies to annual counts, not running totals (cumulative values are not independent)`,
  C_DISP_NONPOSITIVE_FIT: () => `the fitted curve is 0 or negative at some points: Poisson variance is undefined there`,
  C_DISP_NOT_COUNTS: () =>
    `some values are not non-negative integers: the Poisson and negative binomial benchmarks assume counts`,
  C_DISP_CONSERVATIVE: () =>
    `a wrong curve shape inflates residuals, so the test errs toward "pass"; real annual counts are usually more variable than Poisson, so a Poisson benchmark is a lower bound on real noise`,
  C_DISP_NB_NO_PEERS: () => `no peers given: the negative binomial dispersion was not estimated`,
  C_DISP_NB_POISSON: () =>
    `the peers' residuals are not more variable than Poisson (estimated 1/k = 0): the negative binomial benchmark equals the Poisson one`,
  C_DISP_SIM_FAILED: (a: { failed: number; sims: number }) =>
    `${a.failed} of ${a.sims} simulated series could not be refitted; they were dropped from the Monte Carlo count`,
  C_DISP_CHI2_APPROX: () =>
    `the chi-square p-value is a large-count approximation; the Monte Carlo p-value (refitting each simulated series) decides the verdict`,
  C_PEER_PARAMETRIC: (a: { n: number; metric: string }) =>
    `the p-value treats the ${a.n} peers' log10(${a.metric}) as a normal sample and gives the lower-tail probability of the target as a new draw (Student t prediction distribution, df = ${a.n - 1}); it assumes the target, if genuine, comes from the same population as the peers`,
  C_PEER_RANK_P: (a: { n: number; p: string; floor: string }) =>
    `the exact rank p-value (no distributional assumption) is ${a.p}; with ${a.n} peers the exact rank test cannot go below 1/(n+1) = ${a.floor}, so it is reported but the parametric p-value decides`,
  C_PEER_SKEWED: (a: { skewness: string }) =>
    `the peers' log10 values are skewed (sample skewness ${a.skewness}): the normal model behind the parametric p-value fits them poorly, so read the p-value as approximate`,
  C_PEER_ZERO_EXCLUDED: (a: { n: number }) =>
    `${a.n} peer value(s) are exactly 0 (an exact fit or prediction) and have no logarithm; they were left out of the parametric sample`,
  C_PEER_TAIL_UNAVAILABLE: (a: { n: number; min: number }) =>
    `the parametric peer test needs at least ${a.min} peers with positive, varying values (found ${a.n} positive)`,
  C_PEER_NEGATIVE: (a: { name: string }) =>
    `${a.name} has negative values: a count series cannot be negative, so its regularity is not compared`,
  C_PRED_PARAMETRIC: (a: { n: number }) =>
    `the p-value treats the ${a.n} peers' signed relative prediction errors as a sample from N(0, s^2) and gives P(|T_${a.n}| <= |e| / s) for the target's error e as a new draw; it assumes a correct formula has no systematic error and that the peers' errors share one scale (larger peers usually have smaller relative errors)`,
  C_PRED_SKEWED: (a: { skewness: string }) =>
    `the peers' signed prediction errors are skewed (sample skewness ${a.skewness}): the symmetric normal model behind the p-value fits them poorly, so read it as approximate`,
  C_DISP_NEGATIVE: () => `the series has negative values: counting noise (Poisson, negative binomial) is undefined for it`,
  C_DISP_LINEARISED: () =>
    `the model is nonlinear: each simulated series is refitted by one linearised (Gauss-Newton) step from the observed fit, a first-order approximation of a full refit`,

  // --- models (M_*) ---
  // models: organ-source accounting (M_ACC_*, C_ACC_*)
  M_ACC_SCENARIO_INVALID: (a: { detail: string }) => `invalid scenario: ${a.detail}`,
  M_ACC_UNKNOWN_DISTRIBUTION: (a: { found: string; allowed: string }) =>
    `unknown distribution "${a.found}" (allowed: ${a.allowed})`,
  M_ACC_DIST_PARAMS: (a: { detail: string }) => `invalid distribution parameters: ${a.detail}`,
  M_ACC_NEGATIVE: (a: { what: string; value: string }) =>
    `${a.what} cannot be negative, found ${a.value}`,
  M_ACC_MISSING_YEARS: (a: { missing: string }) => `years missing from the scenario: ${a.missing}`,
  M_ACC_UNSOURCED: (a: { detail: string }) => `value has no source: ${a.detail}`,
  M_ACC_DRAWS: (a: { value: string }) => `draws must be an integer from 2 to 10000000, found ${a.value}`,
  M_ACC_OVERRIDE_PATH: (a: { path: string; detail: string }) =>
    `override path "${a.path}" is not valid: ${a.detail} (use a JSON path to a number of the scenario, e.g. $.years[0].executions.fixed, or scale.<variable>)`,
  M_ACC_OVERRIDE_VALUE: (a: { path: string; detail: string }) => `override value for "${a.path}" is not valid: ${a.detail}`,
  C_ACC_IDENTITY: () =>
    "the unexplained volume is an accounting residual: it is only as good as the inputs, and a positive residual is consistent with an unidentified organ source but does not identify it",
  C_ACC_ASSUMPTIONS: (a: { n: number; total: number }) =>
    `${a.n} of ${a.total} scenario values are stated assumptions rather than cited figures; change them to see how the result moves`,
  C_ACC_INDEPENDENCE: () =>
    "inputs not declared shared or year-correlated are drawn independently; real uncertainties may be correlated, which widens cumulative intervals",
  C_ACC_NO_SHARE: (a: { years: string }) =>
    `share explained is undefined where transplants are 0 in every draw (years: ${a.years})`,
  C_ACC_OVERRIDDEN: (a: { n: number; list: string }) =>
    `the scenario was changed by ${a.n} override(s) (${a.list}): the result describes the changed assumptions, not the scenario as published`,
  // models: change points (C_CP_*), capacity (M_CAP_*, C_CAP_*), wait time and on demand (M_WAIT_*, C_WAIT_*)
  C_CP_TOO_FEW_POINTS: (a: { n: number; minSegment: number }) =>
    `insufficient data: ${a.n} points cannot hold a break with at least ${a.minSegment} points on each side`,
  C_CP_NO_FIT: () => "the Poisson fits did not converge (e.g. a segment of zeros), so no break can be placed",
  C_CP_NO_DISPERSION_DF: (a: { n: number }) =>
    `with ${a.n} points the break model leaves no residual degrees of freedom: over-dispersion cannot be estimated and Poisson variance is assumed, which understates uncertainty if the counts are over-dispersed`,
  C_CP_OVERDISPERSED: (a: { phi: number }) =>
    `the counts are over-dispersed relative to Poisson (Pearson dispersion ${a.phi}); intervals, thresholds and the bootstrap use this dispersion (quasi-Poisson / negative binomial)`,
  C_CP_BOOTSTRAP_DROPPED: (a: { dropped: number; total: number }) =>
    `${a.dropped} of ${a.total} bootstrap replicates were dropped because a fit did not converge`,
  C_CP_CONDITIONAL_RATES: () =>
    "growth-rate intervals are conditional on the estimated break (Wald intervals that ignore its uncertainty); the naive chi-square p-value treats the break as known and is anti-conservative, so the bootstrap p-value is the one to quote",
  C_CP_FEW_CANDIDATES: (a: { k: number }) =>
    `only ${a.k} candidate break(s) were admissible: the break can only be placed at that resolution`,
  C_CP_INTERVAL_SPANS_ALL: (a: { low: number; high: number }) =>
    `the profile-likelihood interval (${a.low} to ${a.high}) covers every admissible break: the data do not locate the break`,
  M_CAP_BAD_RANGE: (a: { what: string; low: string; high: string }) =>
    `invalid range for ${a.what}: low ${a.low}, high ${a.high} (need 0 < low <= high)`,
  C_CAP_CAPACITY_NOT_VOLUME: () =>
    "capacity is not throughput: beds x occupancy x 365 / length of stay bounds what the beds could turn over, it does not show that this many transplants were done",
  C_CAP_ASSUMED: (a: { n: number; params: string }) =>
    `${a.n} hospital unit(s) use assumed values (stated default ranges or a source's own assumption, not hospital figures) for at least one of: ${a.params}`,
  C_CAP_SECONDARY: () =>
    "most hospital figures are secondary (advocacy compilations, press relays of hospital web pages); they are claims as published, not verified counts",
  C_CAP_PARTIAL_SUM: (a: { n: number }) =>
    `the aggregate sums the ${a.n} hospital unit(s) in the table only; it is not a national total`,
  C_CAP_EXTRAPOLATION: (a: { centres: number; units: number }) =>
    `the extrapolation scales the mean of ${a.units} profiled unit(s) to ${a.centres} centres; profiled hospitals were chosen because they are large or prominent, so this likely overstates a typical centre`,
  C_CAP_CORRELATION: (a: { mode: string }) =>
    `Monte Carlo parameter draws are ${a.mode === "shared" ? "shared across hospitals (one occupancy and one stay quantile per draw), which gives the widest aggregate interval" : "independent across hospitals, which narrows the aggregate interval if the true parameters are common"}`,
  M_WAIT_UNKNOWN_GROUP: (a: { group: string }) => `unknown ABO group "${a.group}" (A, B, O, AB)`,
  M_WAIT_BAD_PARAM: (a: { detail: string }) => `invalid wait-time parameter: ${a.detail}`,
  C_WAIT_POISSON: () =>
    "donors are modelled as a Poisson process with every usable organ of a compatible group going to this queue; real allocation, matching beyond ABO, and organ discard lengthen waits, so implied donor flows are lower bounds",
  C_WAIT_SINGLE_RECIPIENT: () =>
    "the default assumes the patient is first in line (queue position 1); a hospital with other patients waiting needs proportionally more donors for the same wait",
  C_WAIT_NO_OFFICIAL_FLOW: (a: { period: string }) =>
    `the claim (${a.period}) predates China's voluntary deceased-donation system (pilot from March 2010): the official voluntary flow was about zero, so no ratio is computed`,
  C_WAIT_ABO_POPULATION: () =>
    "donor blood groups are taken from population ABO frequencies; the donor pool's ABO mix may differ",
  C_WAIT_AVERAGE_VS_MEDIAN: () =>
    "claims stated as an average are matched to the model's mean wait, claims stated as a median to its median",
  C_WAIT_SIM_CENSORED: (a: { censored: number; draws: number; horizon: number }) =>
    `${a.censored} of ${a.draws} simulated patients were still waiting at the horizon of ${a.horizon} days; quantiles above the uncensored share are reported as null`,
  C_OD_SHARE_FROM_REPORT: () =>
    "the emergency share is as reported by the registry; what counted as an emergency, and whether all centres reported, cannot be checked here",
  C_OD_COUNT_PERIOD: () =>
    "the throughput bound treats the emergency count as one year's; if the registry count covers several years it overstates the yearly need (the speed bound does not depend on the count)",
  // --- report (R_*) ---
  R_BAD_FORMAT: (a: { value: string }) => `unknown report format "${a.value}" (formats: html, pdf)`,
  R_NO_CHROMIUM: (a: { path: string }) => `no Chromium at ${a.path}: the PDF was not written (the HTML was); install Debian's chromium to print PDFs`,
  R_MANIFEST_MISSING: (a: { dir: string }) => `no manifest.json in ${a.dir}: not a report directory`,
  R_MANIFEST_INVALID: (a: { detail: string }) => `manifest.json is invalid: ${a.detail}`,
  R_VERIFY_INPUT_CHANGED: (a: { name: string; expected: string; found: string }) =>
    `input ${a.name} has changed: SHA-256 ${a.found}, the report was built from ${a.expected}`,
  R_VERIFY_INPUT_MISSING: (a: { name: string; path: string }) => `input ${a.name} is missing (${a.path})`,
  R_VERIFY_FINDING_CHANGED: (a: { id: string; title: string }) =>
    `finding ${a.id} (${a.title}) no longer recomputes to the recorded result`,
  R_VERIFY_FINDING_MISSING: (a: { id: string }) => `finding ${a.id} is recorded in the manifest but was not recomputed`,
  R_VERIFY_FINDING_EXTRA: (a: { id: string }) => `finding ${a.id} is recomputed but not recorded in the manifest`,
  R_VERIFY_REPORT_CHANGED: (a: { file: string; expected: string; found: string }) =>
    `${a.file} differs from the rebuilt report: SHA-256 ${a.found}, rebuilt ${a.expected}`,
  R_VERIFY_REPORT_MISSING: (a: { file: string }) => `${a.file} is missing from the report directory`,
  R_VERIFY_OK: (a: { inputs: number; findings: number }) =>
    `report verified: ${a.inputs} input file(s) unchanged, ${a.findings} finding(s) and report.html recompute to identical bytes`,
  R_LIMIT_FIT: () =>
    "a close fit shows that the series is smooth, not that it was invented: genuine series can follow simple curves",
  R_LIMIT_PEERS: () =>
    "a rank among peers shows how unusual the regularity is among these comparators; it cannot say why, and depends on which peers are chosen",
  R_LIMIT_DIGITS: () =>
    "digit tests show whether digit frequencies match a reference distribution; they cannot show fabrication, and many genuine series depart from such references",
  R_LIMIT_RATIOS: () =>
    "ratio checks show whether figures are arithmetically related; they cannot tell a fixed derivation from stable practice",
  R_LIMIT_AGGREGATION: () =>
    "parts-and-whole and counter checks show whether stated figures can all be true together; they cannot say which figure is wrong",
  R_LIMIT_ACCOUNTING: () =>
    "the accounting shows what the scenario's inputs imply; it is only as good as those inputs and cannot identify the source of any unexplained organs",
  R_LIMIT_SENSITIVITY: () => "sensitivity ranks the assumptions by influence; it does not say which values are true",
  R_LIMIT_WAIT: () =>
    "the wait model shows the donor flow a claimed wait needs under a Poisson/ABO model; it cannot show where organs came from, and claims themselves may be inaccurate",
  R_LIMIT_CHANGEPOINT: () =>
    "a change point shows when growth changed; it cannot show why, and coincidence with an event is not causation",
  R_LIMIT_CAPACITY: () => "capacity bounds what beds could turn over; it does not show how many transplants were done",
  R_LIMIT_OTHER: () => "this test shows consistency with a stated reference under its assumptions; it cannot prove or disprove authenticity",
  // --- evidence: archive core, custody log, bundles (EV_ARCH_*, EV_BUNDLE_*) ---
  EV_ARCH_NOT_FOUND: (a: { dir: string }) =>
    `no evidence archive in ${a.dir} (no config.json); create one with "organ-audit evidence init --archive ${a.dir}"`,
  EV_ARCH_EXISTS: (a: { dir: string }) => `${a.dir} is not empty; an archive is created only in a new or empty folder`,
  EV_ARCH_CONFIG: (a: { detail: string }) => `archive config.json is invalid: ${a.detail}`,
  EV_ARCH_KEY_MISSING: (a: { key: string; file: string }) =>
    `the ${a.key} key file ${a.file} is missing or unreadable; this operation needs it`,
  EV_ARCH_KEY_PERMS: (a: { file: string; mode: string }) =>
    `key file ${a.file} has permissions ${a.mode}; it must be readable by its owner only (chmod 600)`,
  EV_ARCH_EMPTY_FILE: (a: { file: string }) => `${a.file} is empty (0 bytes); nothing was stored`,
  EV_ARCH_TOO_LARGE: (a: { file: string; limit: number }) =>
    `${a.file} is larger than the limit of ${a.limit} bytes; nothing was stored`,
  EV_ARCH_BAD_TYPE: (a: { value: string; allowed: string }) => `unknown evidence type "${a.value}" (allowed: ${a.allowed})`,
  EV_ARCH_BAD_KIND: (a: { value: string; allowed: string }) => `unknown derived kind "${a.value}" (allowed: ${a.allowed})`,
  EV_ARCH_NO_ITEM: (a: { id: string }) => `no item or derived record with id "${a.id}" in the archive`,
  EV_ARCH_BAD_INPUT: (a: { detail: string }) => `invalid evidence input: ${a.detail}`,
  EV_ARCH_DB: (a: { location: string; detail: string }) => `cannot use the archive database ${a.location}: ${a.detail}`,
  EV_ARCH_DB_REQUIRED: (a: { dir: string }) =>
    `the archive in ${a.dir} keeps its tables in PostgreSQL and its config.json records no location (it held a password, which is never written to disk); pass the database location (postgres://...)`,
  EV_ARCH_DB_MISMATCH: (a: { dir: string; detail: string }) => `the database given does not belong to the archive in ${a.dir}: ${a.detail}`,
  EV_BUNDLE_INVALID: (a: { detail: string }) => `the bundle is invalid: ${a.detail}; nothing was imported`,
  EV_BUNDLE_UNSAFE_NAME: (a: { name: string }) =>
    `the bundle contains the unsafe file name "${a.name}" (absolute, "..", backslash or unexpected path); nothing was imported`,
  EV_BUNDLE_UNVERIFIED: (a: { failures: number }) =>
    `the bundle failed verification (${a.failures} problem(s)); nothing was imported`,
  // --- evidence: content, capture and search (EV_CONTENT_*, EV_CAPTURE_*, EV_SEARCH_*) ---
  EV_CONTENT_ENCODING: (a: { charset: string; offset: number }) =>
    `text is not valid ${a.charset}: undecodable bytes at offset ${a.offset}; nothing was stored`,
  EV_CONTENT_PDF: (a: { detail: string }) => `cannot read the PDF (truncated or damaged?): ${a.detail}; nothing was stored`,
  EV_CONTENT_TOO_LARGE: (a: { what: string; size: number; limit: number }) =>
    `${a.what} is ${a.size} bytes, above the limit of ${a.limit} bytes`,
  EV_CAPTURE_URL: (a: { url: string }) => `cannot capture "${a.url}": only http:// and https:// URLs are accepted`,
  EV_CAPTURE_FETCH: (a: { url: string; detail: string }) => `fetching ${a.url} failed: ${a.detail}; nothing was stored`,
  EV_CAPTURE_TIMEOUT: (a: { url: string; ms: number }) => `fetching ${a.url} timed out after ${a.ms} ms; nothing was stored`,
  EV_CAPTURE_NO_CHROMIUM: (a: { path: string }) =>
    `no Chromium at ${a.path}: screenshot/PDF were not made (the WARC and text were stored); install Debian's chromium`,
  EV_SEARCH_EMPTY_QUERY: () => `the search query is empty`,
  EV_SEARCH_BAD_FILTER: (a: { filter: string; value: string }) => `invalid search filter ${a.filter}: "${a.value}"`,
  EV_SEARCH_NO_INDEX: (a: { dir: string }) => `the archive in ${a.dir} has no search index; run "organ-audit evidence reindex --archive ${a.dir}"`,
  EV_SEARCH_OLD_INDEX: (a: { state: string }) =>
    `the search index has an older schema (${a.state}) and the database is open read-only; open the archive for writing once (any write command, or "organ-audit evidence reindex") to upgrade it`,
  // --- evidence: claims, entities, timeline, case files (EV_CLAIM_*, EV_CASE_*, C_EV_CLAIM_*) ---
  EV_CLAIM_NOT_FOUND: (a: { id: string }) => `no claim with id "${a.id}" in the archive (list them with "organ-audit evidence claims")`,
  EV_CLAIM_EXISTS: (a: { id: string }) => `a claim with id "${a.id}" already exists`,
  EV_CLAIM_WORDING: (a: { statement: string }) =>
    `a claim statement must start with "The investigation claims" (claims are attributed, never asserted as fact); found "${a.statement}"`,
  EV_CLAIM_BAD_STANCE: (a: { value: string }) => `stance must be supports, contradicts or context; found "${a.value}"`,
  EV_CLAIM_ITEM_NOT_FOUND: (a: { id: string }) => `no item with id "${a.id}" in the archive`,
  EV_CLAIM_SELECTOR: (a: { selector: string; detail: string }) => `finding selector ${a.selector}: ${a.detail}`,
  EV_CLAIM_FINDINGS_FILE: (a: { detail: string }) =>
    `findings file is invalid: ${a.detail} (expected the JSON written by "organ-audit audit --json" or --out)`,
  EV_ENTITY_EXISTS: (a: { id: string }) => `an entity with id "${a.id}" already exists`,
  EV_ENTITY_NOT_FOUND: (a: { id: string }) => `no entity with id "${a.id}" in the archive`,
  EV_ENTITY_PERSON_ROLE: () =>
    `a person entity is stored in clear, so it is only for public officials and published authors: state the public role (--public-role); witness identities belong in the sealed sensitive fields of an item (evidence add --sensitive)`,
  EV_EVENT_NOT_FOUND: (a: { id: string }) => `no timeline event with id "${a.id}" in the archive`,
  EV_CASE_INVALID: (a: { detail: string }) => `case file is invalid: ${a.detail}; nothing was loaded`,
  EV_CASE_UNKNOWN_REF: (a: { what: string; id: string; table: string }) =>
    `${a.what} "${a.id}" is not in ${a.table}; nothing was loaded`,
  EV_CASE_LOADED: (a: { id: string; version: string }) =>
    `case "${a.id}" version ${a.version} is already loaded in this archive; nothing was changed`,
  C_EV_CLAIM_MAP: () =>
    `a claim map records what the investigation claims and which evidence an investigator linked to it, with the stance the investigator chose; links are annotations, not proof, and a test that passes is the absence of one signal, not evidence against the claim`,
  C_EV_CLAIM_NO_FINDINGS: () =>
    `findings were not computed for this map: each finding link shows the verdict stored when it was linked; run without --no-audit to recompute`,
  // --- screening: records, rules, matching, PRISMA, project store (SC_*, C_SC_*) ---
  SC_RULE_SYNTAX: (a: { column: number; detail: string }) => `rule syntax error at column ${a.column}: ${a.detail}`,
  SC_IMPORT_PARSE: (a: { format: string; detail: string }) =>
    `cannot import ${a.format}: ${a.detail}; nothing was imported`,
  SC_IMPORT_FORMAT: (a: { file: string }) =>
    `cannot tell the format of ${a.file} (expected RIS, CSV/TSV, MEDLINE, PubMed XML, CNKI/Wanfang export, .txt or .pdf); give --format`,
  SC_IMPORT_EMPTY: (a: { format: string }) => `no records found (${a.format}); nothing was imported`,
  SC_FULLTEXT_PDF: (a: { detail: string }) => `cannot read the PDF (damaged, encrypted or not a PDF?): ${a.detail}; nothing was imported`,
  SC_STORE: (a: { detail: string }) => `screening project: ${a.detail}`,
  SC_STORE_VERSION: (a: { found: number; supported: number }) =>
    `screening project schema version ${a.found} is newer than this tool supports (${a.supported}); update organ-audit`,
  SC_DECISION_LOG: (a: { detail: string }) => `decision log: ${a.detail}`,
  SC_STORE_EXISTS: (a: { name: string }) => `a screening project named "${a.name}" already exists`,
  C_SC_PRISMA_UNRESOLVED: (a: { n: number; stage: string }) =>
    `${a.n} record(s) at the ${a.stage} stage have reviewers who disagree and no resolution yet; they are counted as awaiting a decision, not as included or excluded`,
  C_SC_PRISMA_PENDING: (a: { n: number; stage: string }) =>
    `${a.n} record(s) have no settled ${a.stage} decision yet (no decision, or fewer reviewers than required); the flow is incomplete`,
  C_SC_PRISMA_MAYBE: (a: { n: number; stage: string }) =>
    `${a.n} record(s) at the ${a.stage} stage are marked "maybe"; they are counted as awaiting a decision`,
  // --- screening: ranking, simulation, decisions, agreement (SC_RANK_*, SC_SIM_*, SC_REV_*, C_SC_REV_*, C_SC_SIM_*) ---
  SC_RANK_NO_TEXT: (a: { n: number }) =>
    `${a.n} record(s) have neither title nor abstract; they cannot be ranked by text`,
  SC_RANK_NEED_BOTH: (a: { included: number; excluded: number }) =>
    `ranking needs at least one included and one excluded decision (found ${a.included} included, ${a.excluded} excluded)`,
  SC_RANK_BAD_OPTION: (a: { option: string; detail: string }) => `invalid ranking option ${a.option}: ${a.detail}`,
  SC_SIM_LABELS: (a: { detail: string }) => `simulation needs a fully labelled dataset: ${a.detail}`,
  SC_REV_BAD_DECISION: (a: { value: string; allowed: string }) =>
    `unknown decision "${a.value}" (allowed: ${a.allowed})`,
  SC_REV_BAD_STAGE: (a: { value: string; allowed: string }) => `unknown stage "${a.value}" (allowed: ${a.allowed})`,
  SC_REV_BAD_FIELD: (a: { field: string; detail: string }) => `decision field ${a.field}: ${a.detail}`,
  SC_REV_REASON_REQUIRED: (a: { stage: string }) =>
    `an exclusion at the ${a.stage} stage needs a reason code (PRISMA 2020 reports full-text exclusions with reasons)`,
  SC_REV_UNKNOWN_RECORD: (a: { id: string }) => `no record with id "${a.id}" in the project`,
  C_SC_REV_FEW_PAIRS: (a: { n: number; need: number }) =>
    `only ${a.n} record(s) were screened by both reviewers; agreement statistics need at least ${a.need} to be reported`,
  C_SC_REV_ONE_CATEGORY: () =>
    `both reviewers used a single category for every record: chance agreement is 1 and Cohen's kappa is undefined`,
  C_SC_REV_KAPPA_PARADOX: (a: { prevalence: string }) =>
    `one decision dominates (${a.prevalence} of ratings): Cohen's kappa is depressed by unbalanced marginals (the kappa paradox); read Gwet's AC1 and percent agreement alongside it`,
  C_SC_REV_ASYMPTOTIC: (a: { n: number }) =>
    `confidence intervals for kappa and AC1 are large-sample (asymptotic normal) intervals; with ${a.n} record(s) they may be too narrow`,
  C_SC_SIM_PROTOCOL: () =>
    `simulation replays known labels: one random relevant and one random irrelevant record are given as prior knowledge, the model is retrained after every decision and the top-ranked record is screened next; metrics exclude the prior records; work saved in a real screen depends on the stopping rule, which a simulation does not choose`,
  C_SC_SIM_FEW_RELEVANT: (a: { n: number }) =>
    `only ${a.n} relevant record(s): recall steps are coarse and WSS varies strongly between seeds`,
  // --- server: HTTP API, accounts, sessions (S_*) ---
  S_NOT_FOUND: (a: { what: string }) => `not found: ${a.what}`,
  S_UNAUTHENTICATED: () => `sign in first: this request needs a valid session (cookie oa_session or an Authorization: Bearer token)`,
  S_FORBIDDEN: (a: { need: string; have: string }) => `this request needs the ${a.need} role or higher; your role is ${a.have}`,
  S_BAD_LOGIN: () => `unknown user name or wrong password`,
  S_TOO_MANY_ATTEMPTS: (a: { minutes: number }) => `too many failed sign-in attempts for this user name from this address; try again in ${a.minutes} minute(s)`,
  S_VALIDATION: (a: { detail: string }) => `invalid request: ${a.detail}`,
  S_BAD_REQUEST: (a: { detail: string }) => `bad request: ${a.detail}`,
  S_BODY_TOO_LARGE: (a: { limit: number }) => `the request body is larger than the limit of ${a.limit} bytes`,
  S_UNSUPPORTED_MEDIA_TYPE: (a: { type: string }) => `unsupported content type "${a.type}" for this endpoint`,
  S_USER_EXISTS: (a: { name: string }) => `a user named "${a.name}" already exists`,
  S_NO_USER: (a: { name: string }) => `no user named "${a.name}"`,
  S_BAD_USERNAME: (a: { value: string }) => `invalid user name "${a.value}": use 1-64 letters, digits, ".", "_", "-" or "@"`,
  S_BAD_ROLE: (a: { value: string; allowed: string }) => `unknown role "${a.value}" (allowed: ${a.allowed})`,
  S_WEAK_PASSWORD: (a: { min: number }) => `the password must be at least ${a.min} characters long`,
  S_LAST_ADMIN: () => `this change would leave no active admin; make another user admin first`,
  S_ROUTE_NO_ACCESS: (a: { method: string; url: string }) =>
    `route ${a.method} ${a.url} declares no config.access ("public", "viewer", "analyst", "reviewer" or "admin"); the server refuses to start`,
  S_PASSWORD_FILE: (a: { file: string; detail: string }) => `cannot read the password file ${a.file}: ${a.detail}`,
  // server: data, findings, charts, accounting and report routes (S_DATA_*)
  S_DATA_TABLE_FILTER: (a: { table: string; column: string; columns: string }) =>
    `table "${a.table}" has no column "${a.column}" to filter on (columns: ${a.columns})`,
  S_DATA_DRAWS_LIMIT: (a: { value: number; max: number }) =>
    `draws must be an integer from 2 to ${a.max} on this server, found ${a.value}`,
  S_DATA_BAD_BODY: (a: { path: string; detail: string }) => `request body ${a.path}: ${a.detail}`,
  S_DATA_WORK_LIMIT: (a: { draws: number; years: number; max: number }) =>
    `draws × years must be at most ${a.max} on this server, found ${a.draws} × ${a.years}; use fewer draws`,
  // server: evidence, claims, entities and timeline routes (S_EV_*)
  S_EV_UPLOAD_NAME: (a: { value: string }) =>
    `file name "${a.value}" is refused: give a plain file name (no "/", "\\", "..", control characters; at most 255 bytes); nothing was stored`,
  S_EV_UPLOAD_EMPTY: () => `the upload is empty (0 bytes); nothing was stored`,
  S_EV_UPLOAD_TOO_LARGE: (a: { limit: number }) => `the upload is larger than the limit of ${a.limit} bytes; nothing was stored`,
  S_EV_CAPTURE_REFUSED: (a: { host: string; reason: string }) =>
    `capture refused: ${a.host} ${a.reason}; this server fetches only public http(s) addresses; nothing was stored`,
  S_EV_RESTRICTED: (a: { id: string }) => `the original bytes of item ${a.id} are restricted (witness protection): only an admin may read them`,
  S_EV_REVEAL_FORBIDDEN: () => `revealing sealed witness fields needs a role that holds the witness key (admin)`,
  S_EV_CAPTURE_BUSY: (a: { running: number }) => `${a.running} captures are running on this server; try again when one has finished`,
  S_EV_WITNESS_HEADER: (a: { detail: string }) =>
    `header x-witness-fields is invalid: ${a.detail} (expected base64url of a JSON object of at most 20 text fields); nothing was stored`,
  // server: screening routes (S_SC_*)
  S_SC_UPLOAD_NAME: (a: { value: string }) =>
    `file name "${a.value}" is refused: give a plain file name such as "pubmed.nbib" (no "/", "\\", "..", control characters; at most 255 bytes); nothing was imported`,
  S_SC_UPLOAD_EMPTY: () => `the upload is empty (0 bytes); nothing was imported`,
  S_SC_UPLOAD_TOO_LARGE: (a: { limit: number }) => `the upload is larger than the limit of ${a.limit} bytes; nothing was imported`,
  S_SC_NO_PROJECT: (a: { id: string }) => `no screening project "${a.id}"`,
  S_SC_RANK_FAILED: (a: { detail: string }) => `cannot rank the records: ${a.detail}; the stored ranking was not changed`,
} as const;

export type MessageCode = keyof typeof catalogue;
export type MessageArgs<C extends MessageCode> = Parameters<(typeof catalogue)[C]>[0] extends undefined
  ? Record<string, never>
  : Parameters<(typeof catalogue)[C]>[0];

export function message<C extends MessageCode>(code: C, args: MessageArgs<C>): string {
  const fn = catalogue[code] as (a: MessageArgs<C>) => string;
  return fn(args);
}

export const messageCodes = Object.keys(catalogue) as MessageCode[];
