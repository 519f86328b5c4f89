/**
 * The ClusterPort's transport: JSON over node:http(s), one keep-alive agent per cluster, credentials from
 * the light kubeconfig reader of shared/watch (tokens, token files, client certificates, in-cluster) or,
 * for a kubeconfig only client-node understands (exec plugins, auth providers, proxies), from client-node,
 * loaded then and only then. Refusals become the errors of ./errors.ts; a request that never got an
 * answer (refused, reset, timed out, aborted) is ClusterUnreachableError. See docs/adr/0015.
 */
import { request as httpRequest } from 'node:http';
import type { Agent, ClientRequest, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { isKubeConfig, kubeConfigAccess } from '../watch/index.js';
import type { KubeAccess } from '../watch/index.js';
import { ClusterUnreachableError, NotFoundError, apiErrorOf } from './errors.js';
import { JSON_PATCH_CONTENT_TYPE, MERGE_PATCH_CONTENT_TYPE, isMergePatch } from './port.js';
import type { ClusterPort, PageOptions, Patch, ResourceType } from './port.js';

/**
 * How a port reaches its cluster: a loaded client-node KubeConfig (tests, the embedded default), our own
 * access, or a loader of one, run on the first call and again after a failed load (a missing kubeconfig
 * fails that request, not the process).
 */
export type ClusterAccess = KubeConfig | KubeAccess | (() => Promise<KubeAccess>);

interface ListResult<T> {
  items?: T[];
  metadata?: { continue?: string };
}

type Query = Record<string, string | number | undefined>;

interface Call {
  verb: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  /** For messages: e.g. `pipelineruns.tekton.dev ns/name`. */
  what: string;
  query?: Query;
  body?: unknown;
  contentType?: string;
}

/** A connection the server closed while it idled in the pool shows as one of these on the next request sent over it. */
const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE']);

function accessLoader(access: ClusterAccess): () => Promise<KubeAccess> {
  if (typeof access === 'function') {
    let loading: Promise<KubeAccess> | undefined;
    return () => {
      loading ??= access().catch((err: unknown) => {
        loading = undefined;
        throw err;
      });
      return loading;
    };
  }
  const ready = Promise.resolve(isKubeConfig(access) ? kubeConfigAccess(access) : access);
  return () => ready;
}

/** `/api/v1` for the core group, `/apis/<group>/<version>` otherwise; then the namespace, the plural and the name. */
function resourcePath(type: ResourceType, namespace: string | undefined, name?: string): string {
  const groupVersion = type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
  const scope = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${groupVersion}${scope}/${type.plural}${name === undefined ? '' : `/${encodeURIComponent(name)}`}`;
}

function describe(type: ResourceType, namespace: string | undefined, name = ''): string {
  return `${type.plural}.${type.group} ${[namespace, name].filter(Boolean).join('/')}`.trim();
}

function urlOf(serverUrl: string, path: string, query: Query | undefined): string {
  let url = serverUrl.replace(/\/$/, '') + path;
  const params = Object.entries(query ?? {}).filter((entry): entry is [string, string | number] => entry[1] !== undefined && entry[1] !== '');
  if (params.length > 0) url += `?${params.map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join('&')}`;
  return url;
}

interface Answer {
  status: number;
  text: string;
}

/** One request and its whole answer; rejects only when no answer came (the cause of a ClusterUnreachableError). */
interface ExchangeOptions {
  method: string;
  headers: OutgoingHttpHeaders;
  agent?: Agent;
  auth?: string;
  signal?: AbortSignal;
}

function exchange(url: string, options: ExchangeOptions, body: Buffer | undefined): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req: ClientRequest = send(url, options, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
      res.on('close', () => {
        if (!res.complete) reject(new Error('the connection closed before the response ended'));
      });
    });
    req.on('error', (err) => reject(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

/**
 * A ClusterPort for one cluster. `clusterName` prefixes error messages so a log line says which cluster
 * refused.
 */
export function createClusterPort(access: ClusterAccess, clusterName: string): ClusterPort {
  return portOver(accessLoader(access), clusterName, undefined);
}

function portOver(access: () => Promise<KubeAccess>, clusterName: string, signal: AbortSignal | undefined): ClusterPort {
  /** Sends once; again once more on a fresh connection if a pooled one turned out closed (not a create, which may have arrived). */
  async function answerTo(c: Call, what: string, url: string, options: ExchangeOptions, body: Buffer | undefined): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new ClusterUnreachableError(`${what}: aborted (${String(signal.reason)})`);
      try {
        return await exchange(url, options, body);
      } catch (err) {
        const { reusedSocket, code } = err as { reusedSocket?: boolean; code?: string };
        const stale = reusedSocket === true && STALE_SOCKET_CODES.has(code ?? '');
        if (!stale || attempt > 1 || c.method === 'POST') throw new ClusterUnreachableError(`${what}: ${(err as Error).message}`, { cause: err });
      }
    }
  }

  async function call<T>(c: Call): Promise<T> {
    const what = `${clusterName}: ${c.verb} ${c.what}`;
    const target = await access();
    const { agent, headers, auth } = await target.requestOptions();
    const body = c.body === undefined ? undefined : Buffer.from(JSON.stringify(c.body));
    const requestHeaders: OutgoingHttpHeaders = { ...headers, Accept: 'application/json' };
    if (body !== undefined) Object.assign(requestHeaders, { 'Content-Type': c.contentType ?? 'application/json', 'Content-Length': body.length });
    const answer = await answerTo(c, what, urlOf(target.serverUrl, c.path, c.query), { method: c.method, headers: requestHeaders, agent, auth, signal }, body);
    if (answer.status < 200 || answer.status > 299) throw apiErrorOf(answer.status, answer.text, { verb: c.verb, call: what });
    return (answer.text === '' ? undefined : JSON.parse(answer.text)) as T;
  }

  function listOnce<T>(type: ResourceType, namespace: string | undefined, query: Query): Promise<ListResult<T>> {
    return call({ verb: 'list', method: 'GET', path: resourcePath(type, namespace), what: describe(type, namespace), query });
  }

  function patchCall<T>(type: ResourceType, namespace: string, name: string, patch: Patch, subresource: '' | '/status'): Promise<T> {
    // Every patch states its content type: a merge patch and a JSON patch of the same body mean different things.
    const [body, contentType] = isMergePatch(patch) ? [patch.merge, MERGE_PATCH_CONTENT_TYPE] : [patch.json, JSON_PATCH_CONTENT_TYPE];
    const path = `${resourcePath(type, namespace, name)}${subresource}`;
    return call({ verb: 'patch', method: 'PATCH', path, what: `${describe(type, namespace, name)}${subresource}`, body, contentType });
  }

  return {
    async get<T>(type: ResourceType, namespace: string, name: string): Promise<T | undefined> {
      try {
        return await call<T>({ verb: 'get', method: 'GET', path: resourcePath(type, namespace, name), what: describe(type, namespace, name) });
      } catch (err) {
        if (err instanceof NotFoundError) return undefined;
        throw err;
      }
    },
    async list<T>(type: ResourceType, namespace: string | undefined, opts: { labelSelector?: string } = {}): Promise<T[]> {
      return (await listOnce<T>(type, namespace, { labelSelector: opts.labelSelector })).items ?? [];
    },
    async *listPages<T>(type: ResourceType, namespace: string | undefined, opts: PageOptions): AsyncIterable<T[]> {
      let next: string | undefined;
      do {
        const page = await listOnce<T>(type, namespace, { labelSelector: opts.labelSelector, limit: opts.limit, continue: next });
        yield page.items ?? [];
        next = page.metadata?.continue || undefined;
      } while (next !== undefined);
    },
    create<T>(type: ResourceType, namespace: string, body: object): Promise<T> {
      return call({ verb: 'create', method: 'POST', path: resourcePath(type, namespace), what: describe(type, namespace), body });
    },
    patch<T>(type: ResourceType, namespace: string, name: string, patch: Patch): Promise<T> {
      return patchCall(type, namespace, name, patch, '');
    },
    patchStatus<T>(type: ResourceType, namespace: string, name: string, patch: Patch): Promise<T> {
      return patchCall(type, namespace, name, patch, '/status');
    },
    async delete(type: ResourceType, namespace: string, name: string): Promise<void> {
      try {
        await call({ verb: 'delete', method: 'DELETE', path: resourcePath(type, namespace, name), what: describe(type, namespace, name), query: { propagationPolicy: 'Background' } });
      } catch (err) {
        if (!(err instanceof NotFoundError)) throw err;
      }
    },
    withSignal(next: AbortSignal): ClusterPort {
      return portOver(access, clusterName, next);
    },
  };
}
