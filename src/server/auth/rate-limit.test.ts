import { describe, expect, it } from "vitest";
import { LoginLimiter } from "./rate-limit.js";

describe("LoginLimiter", () => {
  it("blocks after max failures within the window, per user name + address, and frees up as failures age out", () => {
    let now = 1_000_000;
    const l = new LoginLimiter(3, 60_000, () => now);
    const k = LoginLimiter.key("Alice", "10.0.0.1");
    expect(LoginLimiter.key("alice", "10.0.0.1")).toBe(k); // user names compare case-insensitively
    for (let i = 0; i < 3; i++) {
      expect(l.blockedFor(k)).toBe(0);
      l.fail(k);
      now += 1000;
    }
    expect(l.blockedFor(k)).toBe(60_000 - 3000);
    expect(l.blockedFor(LoginLimiter.key("alice", "10.0.0.2"))).toBe(0); // other address
    expect(l.blockedFor(LoginLimiter.key("bob", "10.0.0.1"))).toBe(0); // other user
    now += 60_000 - 3000; // the first failure leaves the window
    expect(l.blockedFor(k)).toBe(0);
  });

  it("a success clears the failures", () => {
    const l = new LoginLimiter(2, 60_000);
    const k = LoginLimiter.key("a", "ip");
    l.fail(k);
    l.succeed(k);
    l.fail(k);
    expect(l.blockedFor(k)).toBe(0);
  });
});
