import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { isKubeConfig, kubeConfigAccess } from './kube-access.js';
import type { KubeAccess } from './kube-access.js';
import { apiErrorOf } from '../kube/errors.js';
import { groupVersionPath } from './resource-ref.js';
import { readWatchEvents } from './watch-lines.js';
import type { WatchHandlers } from './watch-lines.js';

export type Query = Record<string, string | undefined>;

/** TCP keep-alive probes after this much silence, so a peer that vanished is noticed by the kernel too. */
const TCP_KEEPALIVE_MS = 30_000;

/**
 * Raw JSON reads and watches against one cluster over node:http(s). Objects come back exactly as the
 * server sent them (client-node's generated clients would turn timestamps into Date objects, changing
 * the event data), and every request, a watch included, ends when its signal aborts.
 */
export class KubeReader {
  readonly serverUrl: string;
  private readonly access: KubeAccess;

  constructor(kubeconfig: KubeAccess | KubeConfig) {
    this.access = isKubeConfig(kubeconfig) ? kubeConfigAccess(kubeconfig) : kubeconfig;
    this.serverUrl = this.access.serverUrl;
  }

  async getJson(path: string, query: Query = {}, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const response = await this.send(path, query, signal);
    const text = await bodyText(response);
    if (response.statusCode !== 200) throw apiErrorOf(response.statusCode ?? 0, text, { verb: 'get' });
    return JSON.parse(text) as Record<string, unknown>;
  }

  /** Starts a watch; `handlers.done` runs once when it ends, also when `signal` aborts it. */
  watch(path: string, query: Query, handlers: WatchHandlers, signal: AbortSignal): void {
    this.send(path, { ...query, watch: 'true' }, signal).then(async (response) => {
      if (response.statusCode === 200) {
        handlers.onOpen?.();
        return readWatchEvents(response, handlers);
      }
      handlers.done(apiErrorOf(response.statusCode ?? 0, await bodyText(response), { verb: 'watch' }));
    }).catch((err: unknown) => handlers.done(err));
  }

  /** Finds the plural resource name of a kind through the discovery document of its group version. */
  async discoverPlural(apiVersion: string, kind: string): Promise<string> {
    const list = await this.getJson(groupVersionPath(apiVersion));
    const resources = (list['resources'] ?? []) as Array<{ name: string; kind: string }>;
    const found = resources.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!found) throw apiErrorOf(404, { reason: 'NotFound', message: `the server has no resource of kind ${kind} in ${apiVersion}` }, { verb: 'get' });
    return found.name;
  }

  /** Resolves once the response headers arrived. */
  private async send(path: string, query: Query, signal?: AbortSignal): Promise<IncomingMessage> {
    const url = new URL(this.serverUrl.replace(/\/$/, '') + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    const { agent, headers, auth } = await this.access.requestOptions();
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(url, { agent, auth, signal, headers: { ...headers, Accept: 'application/json' } }, resolve);
      req.on('socket', (socket) => socket.setKeepAlive(true, TCP_KEEPALIVE_MS));
      req.on('error', reject);
      req.end();
    });
  }
}

function bodyText(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    response.on('error', reject);
    response.on('close', () => {
      if (!response.complete) reject(new Error('the connection closed before the response ended'));
    });
  });
}
