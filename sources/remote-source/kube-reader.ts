import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  KubeConfig,
  RequestContext,
  Watch,
} from '@kubernetes/client-node';
import { groupVersionPath } from './resource-ref.js';

/** A non-2xx answer (or a watch ERROR event) from the API server; `code` is the HTTP status. */
export class KubeRequestError extends Error {
  override name = 'KubeRequestError';
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | undefined>;
export type WatchEventHandler = (type: string, object: Record<string, unknown>) => void;

/** Loads a kubeconfig file, or the in-cluster service account when no path is given. */
export function loadKubeConfig(path?: string): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromCluster();
  return kc;
}

/**
 * Raw JSON reads and watches against one cluster. Objects come back exactly as the server sent them
 * (the generated clients would turn timestamps into Date objects, changing the event data).
 */
export class KubeReader {
  private readonly http = new IsomorphicFetchHttpLibrary();
  private readonly watcher: Watch;
  readonly serverUrl: string;

  constructor(private readonly kc: KubeConfig) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig has no current cluster');
    this.serverUrl = cluster.server;
    this.watcher = new Watch(kc);
  }

  async getJson(path: string, query: Query = {}, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const url = new URL(this.serverUrl.replace(/\/$/, '') + path);
    for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, value);
    const request = new RequestContext(url.toString(), HttpMethod.GET);
    request.setHeaderParam('Accept', 'application/json');
    if (signal) request.setSignal(signal);
    await this.kc.applySecurityAuthentication(request);
    const response = await this.http.send(request).toPromise();
    const text = await response.body.text();
    if (response.httpStatusCode !== 200) throw new KubeRequestError(response.httpStatusCode, statusMessage(text));
    return JSON.parse(text) as Record<string, unknown>;
  }

  /** Starts a watch; `done` runs once when it ends. Returns a function that ends it. */
  async watch(path: string, query: Query, onEvent: WatchEventHandler, done: (err: unknown) => void): Promise<() => void> {
    const controller = await this.watcher.watch(path, query, onEvent, done);
    return () => controller.abort();
  }

  /** Finds the plural resource name of a kind through the discovery document of its group version. */
  async discoverPlural(apiVersion: string, kind: string): Promise<string> {
    const list = await this.getJson(groupVersionPath(apiVersion));
    const resources = (list['resources'] ?? []) as Array<{ name: string; kind: string }>;
    const found = resources.find((r) => r.kind === kind && !r.name.includes('/'));
    if (!found) throw new KubeRequestError(404, `the server has no resource of kind ${kind} in ${apiVersion}`);
    return found.name;
  }
}

function statusMessage(body: string): string {
  try {
    const status = JSON.parse(body) as { message?: string };
    return status.message ?? body;
  } catch {
    return body;
  }
}
