/**
 * One place every request goes through: parse → count → authorize → inject faults → dispatch by verb,
 * and turn any error into a Status answer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { readBody, sendError, sendJson } from './http-io.js';
import { nonResource } from './non-resource.js';
import { requestInfo } from './request-info.js';
import { subresourcesOf, verbsOf } from './resource-def.js';
import { badRequest, methodNotAllowed, notFoundPath, verbNotSupported } from './status-errors.js';
import { handleCreate } from './handlers/create.js';
import { handleDelete, handleDeleteCollection } from './handlers/delete.js';
import { handleGet, handleList } from './handlers/read.js';
import { handlePatch } from './handlers/patch.js';
import { handleUpdate } from './handlers/update.js';
import { handleWatch } from './handlers/watch.js';
import type { TokenAuth } from './auth.js';
import type { Call, Core } from './core.js';
import type { Faults } from './faults.js';
import type { Reply } from './http-io.js';
import type { OpenApiRoute } from './openapi-route.js';
import type { RequestCounter } from './request-counter.js';
import type { NonResourceRequest, ResourceRequest } from './request-info.js';
import type { ResourceDef } from './resource-def.js';

export interface RouterParts { core: Core; openApi: OpenApiRoute; faults: Faults; counter: RequestCounter; auth?: TokenAuth; hostPort: () => string }

/**
 * Refuses what the resource has no handler for, in kube-apiserver's words: a custom resource's own
 * handler names the verb (405), or wants a name for PUT and PATCH (400), and creates from a POST to an
 * item path with the name in the body; built-ins' routes have no such paths (405).
 */
function checkVerb(def: ResourceDef, info: ResourceRequest): void {
  const custom = def.strategy === 'custom';
  const refuse = (): never => {
    throw custom ? verbNotSupported(def, info.verb) : methodNotAllowed();
  };
  if (info.subresource !== undefined) {
    const sub = subresourcesOf(def).find((s) => s.name === info.subresource);
    if (!sub) throw notFoundPath();
    if (!sub.verbs.includes(info.verb)) refuse();
    return;
  }
  if (!verbsOf(def).includes(info.verb)) refuse();
  if (info.verb === 'create' && info.name !== undefined && !custom) refuse();
  if ((info.verb === 'update' || info.verb === 'patch') && info.name === undefined) {
    if (custom) throw badRequest('name must be provided');
    refuse();
  }
}

/** RBAC judges a namespace's own requests (`…/namespaces/<name>[/status]`) as made in that namespace. */
function accessNamespace(info: ResourceRequest): string | undefined {
  if (info.namespace !== undefined) return info.namespace;
  return info.group === '' && info.plural === 'namespaces' ? info.name : undefined;
}

const HANDLERS: Record<Exclude<ResourceRequest['verb'], 'watch'>, (call: Call) => Reply> = {
  get: handleGet, list: handleList, create: handleCreate, update: handleUpdate, patch: handlePatch,
  delete: handleDelete, deletecollection: handleDeleteCollection,
};

const BODY_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const COLLECTION_VERBS = new Set(['list', 'watch', 'deletecollection']);

/** Cluster-scoped resources have no namespace in the path; namespaced ones need one except for collections. */
function scopeFits(def: ResourceDef, info: ResourceRequest): boolean {
  if (!def.namespaced) return info.namespace === undefined;
  return info.namespace !== undefined || COLLECTION_VERBS.has(info.verb);
}

function counterResource(info: ResourceRequest): string {
  return info.subresource ? `${info.plural}/${info.subresource}` : info.plural;
}

export class Router {
  constructor(private readonly parts: RouterParts) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (error) {
      sendError(res, error);
    }
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const info = requestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    if (info.kind === 'unknown') {
      this.parts.auth?.authorizePath(req.headers.authorization, (req.method ?? 'GET').toLowerCase(), url.pathname);
      throw info.methodNotAllowed ? methodNotAllowed() : notFoundPath();
    }
    await this.admitRequest(req, url, info);
    if (info.kind === 'nonresource') {
      sendJson(res, nonResource(this.parts.core, this.parts.openApi, info.path, req.headers.accept, this.parts.hostPort()));
      return;
    }
    await this.serveResource(req, res, url, info);
  }

  /** Checks and counts the request, and applies injected latency and failures. */
  private async admitRequest(req: IncomingMessage, url: URL, info: ResourceRequest | NonResourceRequest): Promise<void> {
    const { faults } = this.parts;
    const resource = info.kind === 'resource' ? counterResource(info) : url.pathname.startsWith('/openapi') ? 'openapi' : 'discovery';
    const key = { verb: info.verb, resource, namespace: info.kind === 'resource' ? info.namespace : undefined };
    this.checkAccess(req, url.pathname, info, key);
    const ms = faults.delayFor(key);
    if (ms > 0) await delay(ms);
    const failure = faults.failureFor(key);
    if (failure) throw failure;
  }

  /** Authenticates and authorizes the caller (when the server has tokens) and counts the request under it, refused or not. */
  private checkAccess(req: IncomingMessage, path: string, info: ResourceRequest | NonResourceRequest, key: { verb: string; resource: string; namespace: string | undefined }): void {
    const { counter, auth } = this.parts;
    const { authorization } = req.headers;
    const user = auth?.knownToken(authorization);
    try {
      if (auth && info.kind === 'resource') auth.authorize(authorization, { ...key, group: info.group, namespace: accessNamespace(info), name: info.name });
      else auth?.authorizePath(authorization, 'get', path);
    } catch (error) {
      counter.record(key.verb, key.resource, { user, refused: true });
      throw error;
    }
    counter.record(key.verb, key.resource, { user });
  }

  private async serveResource(req: IncomingMessage, res: ServerResponse, url: URL, info: ResourceRequest): Promise<void> {
    const { core } = this.parts;
    const def = core.registry.lookup(info.group, info.version, info.plural);
    if (!def || !scopeFits(def, info)) throw notFoundPath();
    checkVerb(def, info);
    const body = BODY_VERBS.has(info.verb) ? await readBody(req) : Buffer.alloc(0);
    const call: Call = { core, def, info, query: url.searchParams, headers: req.headers, body };
    if (info.verb === 'watch') handleWatch(call, res);
    else sendJson(res, HANDLERS[info.verb](call));
  }
}
