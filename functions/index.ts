/**
 * All five functions in one module, for the embedded default and the tests: functions-framework picks one
 * with `--target=<name>`. The image runs each from its own bundle instead (functions/bundle.ts).
 */
import './admission/index.js';
import './pipelinerun-creator/index.js';
import './status-relay/index.js';
import './cleanup/index.js';
import './resync/index.js';
