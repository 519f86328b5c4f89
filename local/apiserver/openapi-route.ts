/**
 * /openapi/v3 and its group-version documents, built from the CRDs currently served and rebuilt only
 * when the set of served resources changes.
 */
import { buildOpenApi } from './schema/index.js';
import { CUSTOM_RESOURCE_DEFINITIONS, storageKey } from './resource-def.js';
import type { CrdLike, OpenApiDocuments } from './schema/index.js';
import type { Core } from './core.js';

export class OpenApiRoute {
  private cached?: { revision: number; docs: OpenApiDocuments };

  constructor(private readonly core: Core) {}

  /** The root document for `/openapi/v3`, or a group-version document for `/openapi/v3/<key>`. */
  document(path: string): object | undefined {
    const docs = this.current();
    if (path === '/openapi/v3') return docs.root;
    return docs.documents.get(path.slice('/openapi/v3/'.length));
  }

  private current(): OpenApiDocuments {
    const revision = this.core.registry.revision;
    if (this.cached?.revision === revision) return this.cached.docs;
    const crds = this.core.store.list(storageKey(CUSTOM_RESOURCE_DEFINITIONS)) as unknown as CrdLike[];
    const docs = buildOpenApi({ crds });
    this.cached = { revision, docs };
    return docs;
  }
}
