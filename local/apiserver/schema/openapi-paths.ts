import { DELETE_OPTIONS, PATCH, ref, STATUS } from './openapi-meta.js';

/** One served resource as the OpenAPI path builder needs it. */
export interface ServedResource {
  prefix: string; // '/api/v1' or '/apis/<group>/<version>'
  group: string;
  version: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  hasStatus: boolean;
  schemaName: string;
  listSchemaName: string;
}

type Operation = Record<string, unknown>;
type PathItem = Record<string, unknown>;

const JSON_TYPES = ['application/json', 'application/yaml'];
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

function queryParam(name: string, description: string, type = 'string'): object {
  return { name, in: 'query', description, schema: { type, uniqueItems: true } };
}

function pathParam(name: string, description: string): object {
  return { name, in: 'path', description, required: true, schema: { type: 'string', uniqueItems: true } };
}

const DRY_RUN = queryParam('dryRun', 'When present, indicates that modifications should not be persisted. Valid values are: - All: all dry run stages will be processed');
const FIELD_MANAGER = queryParam('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.');
/** kubectl looks for this parameter on the PATCH operation to decide it may leave validation to the server. */
const FIELD_VALIDATION = queryParam('fieldValidation', 'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.');
const FORCE = queryParam('force', 'Force is going to "force" Apply requests.', 'boolean');
const LIST_PARAMS = [
  queryParam('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', 'boolean'),
  queryParam('continue', 'The continue option should be set when retrieving more results from the server.'),
  queryParam('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  queryParam('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  queryParam('limit', 'limit is a maximum number of responses to return for a list call.', 'integer'),
  queryParam('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  queryParam('timeoutSeconds', 'Timeout for the list/watch call.', 'integer'),
  queryParam('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', 'boolean'),
];

function content(types: string[], schemaName: string): object {
  return Object.fromEntries(types.map((type) => [type, { schema: ref(schemaName) }]));
}

function operation(r: ServedResource, action: string, verbId: string, responseSchema: string, extra: Operation = {}): Operation {
  const tag = r.group === '' ? `core_${r.version}` : `${r.group.replace(/\./g, '')}_${r.version}`;
  return {
    tags: [tag],
    description: `${action} ${r.kind}`,
    operationId: `${verbId}${pascal(r.group)}${pascal(r.version)}${r.namespaced ? 'Namespaced' : ''}${r.kind}`,
    responses: { '200': { description: 'OK', content: content(JSON_TYPES, responseSchema) }, '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
    ...extra,
  };
}

function pascal(text: string): string {
  return text.split(/[.-]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

function collection(r: ServedResource): PathItem {
  const body = { requestBody: { content: content(JSON_TYPES, r.schemaName), required: true } };
  return {
    get: operation(r, 'list', 'list', r.listSchemaName, { parameters: LIST_PARAMS }),
    post: operation(r, 'post', 'create', r.schemaName, { ...body, parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION] }),
    delete: operation(r, 'deletecollection', 'deleteCollection', STATUS, { parameters: LIST_PARAMS }),
  };
}

function item(r: ServedResource, suffix: string): PathItem {
  const idVerb = (verb: string): string => (suffix === '' ? verb : `${verb}Status`);
  const body = { requestBody: { content: content(JSON_TYPES, r.schemaName), required: true } };
  const patchBody = { requestBody: { content: content(PATCH_TYPES, PATCH), required: true } };
  const ops: PathItem = {
    get: operation(r, 'get', idVerb('read'), r.schemaName),
    put: operation(r, 'put', idVerb('replace'), r.schemaName, { ...body, parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION] }),
    patch: operation(r, 'patch', idVerb('patch'), r.schemaName, { ...patchBody, parameters: [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE] }),
  };
  if (suffix === '') {
    ops.delete = operation(r, 'delete', 'delete', STATUS, { requestBody: { content: content(JSON_TYPES, DELETE_OPTIONS) }, parameters: [DRY_RUN] });
  }
  return ops;
}

function withParams(pathItem: PathItem, params: object[]): PathItem {
  return { ...pathItem, parameters: [...params, queryParam('pretty', "If 'true', then the output is pretty printed.")] };
}

/** The OpenAPI path items of one resource: collection, item, `/status`, and the all-namespaces list. */
export function resourcePaths(r: ServedResource): Record<string, PathItem> {
  const namespaceParam = pathParam('namespace', 'object name and auth scope, such as for teams and projects');
  const nameParam = pathParam('name', `name of the ${r.kind}`);
  const base = r.namespaced ? `${r.prefix}/namespaces/{namespace}/${r.plural}` : `${r.prefix}/${r.plural}`;
  const scope = r.namespaced ? [namespaceParam] : [];
  const paths: Record<string, PathItem> = {
    [base]: withParams(collection(r), scope),
    [`${base}/{name}`]: withParams(item(r, ''), [nameParam, ...scope]),
  };
  if (r.hasStatus) paths[`${base}/{name}/status`] = withParams(item(r, '/status'), [nameParam, ...scope]);
  if (r.namespaced) {
    const all = { ...r, namespaced: false };
    paths[`${r.prefix}/${r.plural}`] = withParams({ get: operation(all, 'list', 'list', r.listSchemaName, { parameters: LIST_PARAMS, operationId: `list${pascal(r.group)}${pascal(r.version)}${r.kind}ForAllNamespaces` }) }, []);
  }
  return paths;
}
