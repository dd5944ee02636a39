import { describe, it, expect } from "vitest";
import { OrganAuditError } from "../core/errors.js";
import { hasIntercept, isLinearModel, modelName, parameterNames, parseModelName } from "./models.js";

describe("parseModelName", () => {
  it("maps every CLI name, quadratic = general quadratic", () => {
    expect(parseModelName("poly0")).toEqual({ kind: "poly", degree: 0 });
    expect(parseModelName("linear")).toEqual({ kind: "poly", degree: 1 });
    expect(parseModelName("quadratic")).toEqual({ kind: "poly", degree: 2 });
    expect(parseModelName("Cubic")).toEqual({ kind: "poly", degree: 3 });
    expect(parseModelName("quadratic1", 2009)).toEqual({ kind: "quadratic1", x0: 2009 });
    expect(parseModelName("quadratic1")).toEqual({ kind: "quadratic1" });
    expect(parseModelName("exponential")).toEqual({ kind: "exponential" });
    expect(parseModelName("logistic")).toEqual({ kind: "logistic" });
  });
  it("rejects unknown names with the list of models", () => {
    expect(() => parseModelName("quartic")).toThrow(OrganAuditError);
    expect(() => parseModelName("quartic")).toThrow(/poly0, poly1/);
  });
  it("names, parameters and properties", () => {
    expect(modelName({ kind: "quadratic1" })).toBe("quadratic1-x0");
    expect(parameterNames({ kind: "poly", degree: 2 })).toEqual(["b0", "b1", "b2"]);
    expect(parameterNames({ kind: "logistic" })).toEqual(["K", "r", "t0"]);
    expect(hasIntercept({ kind: "quadratic1", x0: 0 })).toBe(false);
    expect(isLinearModel({ kind: "quadratic1", x0: 0 })).toBe(true);
    expect(isLinearModel({ kind: "exponential" })).toBe(false);
  });
});
