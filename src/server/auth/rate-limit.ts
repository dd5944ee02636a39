/**
 * In-memory login throttle: at most `max` failed attempts per key (user name + client address) within
 * `windowMs`; further attempts are refused (429) until the oldest failure leaves the window. One process
 * only (the server is a single process); a restart forgets the counts.
 */
export class LoginLimiter {
  private failures = new Map<string, number[]>();

  constructor(
    readonly max = 10,
    readonly windowMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  static key(username: string, ip: string): string {
    return `${username.toLowerCase()}\u0000${ip}`;
  }

  private recent(key: string): number[] {
    const t = this.now();
    const list = (this.failures.get(key) ?? []).filter((x) => t - x < this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  /** Milliseconds until another attempt is allowed (0 when allowed now). */
  blockedFor(key: string): number {
    const list = this.recent(key);
    if (list.length < this.max) return 0;
    const oldest = list[list.length - this.max] ?? this.now();
    return Math.max(1, oldest + this.windowMs - this.now());
  }

  fail(key: string): void {
    const list = this.recent(key);
    list.push(this.now());
    this.failures.set(key, list);
    if (this.failures.size > 50_000) this.prune();
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }

  private prune(): void {
    for (const k of [...this.failures.keys()]) this.recent(k);
  }
}
