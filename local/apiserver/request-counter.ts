/**
 * Counts requests by verb and resource (plural, or plural/subresource) for API-call budgets in tests.
 * On a server with `tokens`, counts are also kept per caller (`user`: the bearer token it presented,
 * which is its identity here) and say how many were refused (401 or 403), so a test can check what
 * each identity did and that it was allowed to.
 */
export interface RequestCount {
  verb: string;
  resource: string;
  count: number;
  /** The caller's token; absent without `tokens`, or when the token was missing or unknown. */
  user?: string;
  /** How many of `count` were refused (401 Unauthorized, 403 Forbidden); absent when none. */
  refused?: number;
}

export interface RequestFilter {
  verb?: string;
  resource?: string;
  user?: string;
  /** true: only refused requests; false: only served ones; unset: all. */
  refused?: boolean;
}

export interface Caller {
  user?: string | undefined;
  refused?: boolean;
}

function matches(c: RequestCount, filter: RequestFilter): boolean {
  return (filter.verb === undefined || c.verb === filter.verb)
    && (filter.resource === undefined || c.resource === filter.resource)
    && (filter.user === undefined || c.user === filter.user);
}

function countOf(c: RequestCount, refused: boolean | undefined): number {
  if (refused === undefined) return c.count;
  return refused ? (c.refused ?? 0) : c.count - (c.refused ?? 0);
}

export class RequestCounter {
  private readonly counts = new Map<string, RequestCount>();

  record(verb: string, resource: string, caller: Caller = {}): void {
    const key = `${verb} ${resource} ${caller.user ?? ''}`;
    let entry = this.counts.get(key);
    if (!entry) {
      entry = { verb, resource, count: 0, ...(caller.user === undefined ? {} : { user: caller.user }) };
      this.counts.set(key, entry);
    }
    entry.count++;
    if (caller.refused) entry.refused = (entry.refused ?? 0) + 1;
  }

  count(filter: RequestFilter = {}): number {
    let total = 0;
    for (const c of this.counts.values()) if (matches(c, filter)) total += countOf(c, filter.refused);
    return total;
  }

  snapshot(): RequestCount[] {
    return [...this.counts.values()]
      .map((c) => ({ ...c }))
      .sort((a, b) => a.resource.localeCompare(b.resource) || a.verb.localeCompare(b.verb) || (a.user ?? '').localeCompare(b.user ?? ''));
  }

  reset(): void {
    this.counts.clear();
  }
}
