import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedEvent {
  headers: IncomingHttpHeaders;
  body: string;
  data: Record<string, unknown>;
  receivedAt: number; // performance.now()
}

/** A tiny HTTP sink that records CloudEvents and answers with the status codes a test queues. */
export class TestSink {
  readonly received: ReceivedEvent[] = [];
  /** The requests answered so far, including refused ones. */
  attempts = 0;
  private readonly answers: number[] = [];
  private holding: Array<() => void> | undefined;
  private waiters: Array<() => void> = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<TestSink> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const sink = new TestSink(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => sink.record(req.headers, Buffer.concat(chunks).toString('utf8'), res));
    });
    return sink;
  }

  /** Keeps answers back until the returned function is called (requests are recorded on arrival). */
  holdResponses(): () => void {
    this.holding = [];
    return () => {
      const held = this.holding ?? [];
      this.holding = undefined;
      for (const answer of held) answer();
    };
  }

  /** Requests waiting for their answer while responses are held. */
  get held(): number {
    return this.holding?.length ?? 0;
  }

  /** The next `count` requests get `status` (and are not recorded unless 2xx). */
  answerNext(status: number, count = 1): void {
    for (let i = 0; i < count; i += 1) this.answers.push(status);
  }

  ofType(type: string): ReceivedEvent[] {
    return this.received.filter((e) => e.headers['ce-type'] === type);
  }

  /** Waits until `predicate` holds over the received events, failing after `timeoutMs`. */
  async waitFor(predicate: (events: ReceivedEvent[]) => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; received ${this.summary()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  clear(): void {
    this.received.length = 0;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private summary(): string {
    return JSON.stringify(this.received.map((e) => `${String(e.headers['ce-type'])} ${String(e.headers['ce-subject'])}`));
  }

  private record(headers: IncomingHttpHeaders, body: string, res: ServerResponse): void {
    this.attempts += 1;
    const status = this.answers.shift() ?? 202;
    if (status < 300) {
      this.received.push({ headers, body, data: JSON.parse(body) as Record<string, unknown>, receivedAt: performance.now() });
    }
    if (this.holding) this.holding.push(() => res.writeHead(status).end());
    else res.writeHead(status).end();
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
