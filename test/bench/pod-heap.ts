/**
 * The heap Node gets in the pods of knative/ (memory limits 192Mi for the watcher, 256Mi for the
 * functions): V8 sizes its old space from the container's limit, max(limit / 2, 256 MB) = 256 MB, and
 * keeps 1 MB semi-spaces. Without a limit, as on a workstation, V8 allows 16 MB semi-spaces, and the
 * same process holds memory no pod gives it (see test/sources/remote-source-memory.test.ts). The functions'
 * Services state these flags on their command line (their code cache needs them: functions/bundle.ts).
 */
import { FUNCTION_NODE_FLAGS } from '../../functions/bundle.js';

export const POD_HEAP_FLAGS = FUNCTION_NODE_FLAGS;
