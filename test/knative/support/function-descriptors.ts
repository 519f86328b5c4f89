/** The descriptors the five functions export: what each consumes and emits. */
import { descriptor as admission } from '../../../functions/admission/index.js';
import { descriptor as cleanup } from '../../../functions/cleanup/index.js';
import { descriptor as pipelinerunCreator } from '../../../functions/pipelinerun-creator/index.js';
import { descriptor as resync } from '../../../functions/resync/index.js';
import { descriptor as statusRelay } from '../../../functions/status-relay/index.js';
import type { FunctionDescriptor } from '../../../shared/http/index.js';

export const FUNCTION_DESCRIPTORS: readonly FunctionDescriptor[] = [admission, pipelinerunCreator, statusRelay, cleanup, resync];
