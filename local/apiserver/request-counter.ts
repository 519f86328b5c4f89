/** Counts requests by verb and resource (plural, or plural/subresource) for API-call budgets in tests. */
export interface RequestCount { verb: string; resource: string; count: number }

export class RequestCounter {
  private readonly counts = new Map<string, RequestCount>();

  record(verb: string, resource: string): void {
    const key = `${verb} ${resource}`;
    const entry = this.counts.get(key);
    if (entry) entry.count++;
    else this.counts.set(key, { verb, resource, count: 1 });
  }

  count(filter: { verb?: string; resource?: string } = {}): number {
    let total = 0;
    for (const c of this.counts.values()) {
      if ((filter.verb === undefined || c.verb === filter.verb) && (filter.resource === undefined || c.resource === filter.resource)) total += c.count;
    }
    return total;
  }

  snapshot(): RequestCount[] {
    return [...this.counts.values()].map((c) => ({ ...c })).sort((a, b) => a.resource.localeCompare(b.resource) || a.verb.localeCompare(b.verb));
  }

  reset(): void {
    this.counts.clear();
  }
}
