import { OrganAuditError } from "../core/errors.js";

/**
 * Model specifications for the formula-fit tests.
 * - poly: y = b0 + b1 x + ... + bd x^d (d = 0..3), coefficients constant term first.
 * - quadratic1: y = a (x - x0)^2. With x0 given it is a one-parameter linear model without intercept;
 *   without x0, x0 is fitted and the model is nonlinear with parameters (a, x0).
 * - exponential: y = a exp(b x).
 * - logistic: y = K / (1 + exp(-r (x - t0))).
 */
export type ModelSpec =
  | { kind: "poly"; degree: 0 | 1 | 2 | 3 }
  | { kind: "quadratic1"; x0?: number }
  | { kind: "exponential" }
  | { kind: "logistic" };

export const MODEL_NAMES = [
  "poly0",
  "poly1",
  "linear",
  "poly2",
  "quadratic",
  "poly3",
  "cubic",
  "quadratic1",
  "exponential",
  "logistic",
] as const;

/** Parse a CLI model name; `quadratic` is the general quadratic (poly2). x0 applies to quadratic1 only. */
export function parseModelName(name: string, x0?: number): ModelSpec {
  const n = name.trim().toLowerCase();
  switch (n) {
    case "poly0":
      return { kind: "poly", degree: 0 };
    case "poly1":
    case "linear":
      return { kind: "poly", degree: 1 };
    case "poly2":
    case "quadratic":
      return { kind: "poly", degree: 2 };
    case "poly3":
    case "cubic":
      return { kind: "poly", degree: 3 };
    case "quadratic1":
      return x0 === undefined ? { kind: "quadratic1" } : { kind: "quadratic1", x0 };
    case "exponential":
      return { kind: "exponential" };
    case "logistic":
      return { kind: "logistic" };
    default:
      throw new OrganAuditError("F_UNKNOWN_MODEL", { name, available: MODEL_NAMES.join(", ") });
  }
}

/** Canonical short name of a model: poly0..poly3, quadratic1, quadratic1-x0, exponential, logistic. */
export function modelName(spec: ModelSpec): string {
  switch (spec.kind) {
    case "poly":
      return `poly${spec.degree}`;
    case "quadratic1":
      return spec.x0 === undefined ? "quadratic1-x0" : "quadratic1";
    default:
      return spec.kind;
  }
}

/** Parameter names, in the order coefficients are reported. */
export function parameterNames(spec: ModelSpec): string[] {
  switch (spec.kind) {
    case "poly":
      return ["b0", "b1", "b2", "b3"].slice(0, spec.degree + 1);
    case "quadratic1":
      return spec.x0 === undefined ? ["a", "x0"] : ["a"];
    case "exponential":
      return ["a", "b"];
    case "logistic":
      return ["K", "r", "t0"];
  }
}

/** Human-readable formula. */
export function modelFormula(spec: ModelSpec): string {
  switch (spec.kind) {
    case "poly":
      return ["y = b0", "y = b0 + b1*x", "y = b0 + b1*x + b2*x^2", "y = b0 + b1*x + b2*x^2 + b3*x^3"][spec.degree]!;
    case "quadratic1":
      return spec.x0 === undefined ? "y = a*(x - x0)^2 (x0 fitted)" : `y = a*(x - ${spec.x0})^2`;
    case "exponential":
      return "y = a*exp(b*x)";
    case "logistic":
      return "y = K / (1 + exp(-r*(x - t0)))";
  }
}

/** True when the model contains a free constant term (centered R^2 is then the usual one). */
export function hasIntercept(spec: ModelSpec): boolean {
  return spec.kind === "poly";
}

/** True when the model is linear in its parameters (t-based prediction intervals are exact). */
export function isLinearModel(spec: ModelSpec): boolean {
  return spec.kind === "poly" || (spec.kind === "quadratic1" && spec.x0 !== undefined);
}
