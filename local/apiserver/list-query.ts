/**
 * Filtering and paging of list requests: label and field selectors, `limit` with an opaque `continue`
 * token (objects compared by etcd key, `<namespace>/<name>`), and 410 Expired for a token whose
 * revision has been compacted away.
 */
import { parseFieldSelector } from './field-selector.js';
import { parseLabelSelector } from './label-selector.js';
import { badRequest, expired } from './status-errors.js';
import type { ObjectPredicate } from './field-selector.js';
import type { KubeObject } from './kube-object.js';
import type { ResourceDef } from './resource-def.js';

export interface Page { items: KubeObject[]; continueToken?: string; remainingItemCount?: number }

/** The selectors of a request as one predicate, plus whether any selector was given. */
export function selectorOf(def: ResourceDef, query: URLSearchParams): { match: ObjectPredicate; selective: boolean } {
  const labels = parseLabelSelector(query.get('labelSelector') ?? undefined);
  const fields = parseFieldSelector(query.get('fieldSelector') ?? undefined, def.selectableFields);
  const match: ObjectPredicate = (o) => (!labels || labels(o.metadata.labels)) && (!fields || fields(o));
  return { match, selective: labels !== undefined || fields !== undefined };
}

/** Where a continued list resumes: the revision of its first page and the key of the last object sent. */
export interface ContinueToken { rv: number; after: string }

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

function decodeToken(text: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof token.rv === 'number' && typeof token.after === 'string') return token;
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

const EXPIRED_CONTINUE = 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** etcd's revision -1 in a continue token: go on after the same key, reading the latest state. */
const LATEST = -1;

const encodeToken = (token: ContinueToken): string => Buffer.from(JSON.stringify(token)).toString('base64url');

/**
 * The request's continue token (one reading the latest state made current), or 410 Expired when its
 * revision has been compacted away; that 410 carries a token going on from the same key at the latest
 * state, as the message offers and a real server's Status does.
 */
export function continueTokenOf(query: URLSearchParams, compactedRevision: number, currentRevision: number): ContinueToken | undefined {
  const text = query.get('continue');
  if (!text) return undefined;
  const token = decodeToken(text);
  if (token.rv === LATEST) return { rv: currentRevision, after: token.after };
  if (token.rv < compactedRevision) {
    const error = expired(EXPIRED_CONTINUE);
    error.listMeta = { continue: encodeToken({ rv: LATEST, after: token.after }) };
    throw error;
  }
  return token;
}

export interface PageInput { all: KubeObject[]; query: URLSearchParams; selective: boolean; revision: number; token?: ContinueToken | undefined }

/** Cuts one page out of the (already filtered, ordered) objects; a continued list stays at its first page's revision. */
export function page(input: PageInput): Page & { revision: number } {
  const { query, token } = input;
  const limit = Number(query.get('limit') ?? '0');
  const items = token ? input.all.filter((o) => keyOf(o) > token.after) : input.all;
  const revision = token ? token.rv : input.revision;
  if (!(limit > 0) || query.get('resourceVersion') === '0' || items.length <= limit) return { items, revision };
  const shown = items.slice(0, limit);
  const last = shown[shown.length - 1] as KubeObject;
  const result: Page & { revision: number } = {
    items: shown,
    revision,
    continueToken: encodeToken({ rv: revision, after: keyOf(last) }),
  };
  if (!input.selective) result.remainingItemCount = items.length - limit;
  return result;
}
