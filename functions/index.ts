/** One image, five functions: functions-framework picks one with `--target=<name>`. */
import './admission/index.js';
import './pipelinerun-creator/index.js';
import './status-relay/index.js';
import './cleanup/index.js';
import './resync/index.js';
