/** Where the project's manifests and examples are, wherever `npm start` is run from. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const KNATIVE_DIR = join(PROJECT_ROOT, 'knative');
export const CRD_DIR = join(KNATIVE_DIR, 'crds');
export const PRIVATE_DIR = join(KNATIVE_DIR, 'private');
export const EXAMPLES_DIR = join(PROJECT_ROOT, 'examples');
/** Stand-ins for Tekton's Pipeline and PipelineRun CRDs, for the internal cluster. */
export const TEKTON_CRD_FILE = join(PROJECT_ROOT, 'local', 'crds', 'tekton.yaml');
