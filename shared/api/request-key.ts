/**
 * The key that follows one request through every log line: `request` (namespace/name) and `requestUid`.
 * It is read from whatever a line is about: the InternalRequest itself, one of our reference events
 * ({namespace, name, uid}), or a PipelineRun (the request's labels, and the uid its name is made of).
 * `grep <uid>` over the logs of the functions, the watcher and the runner then tells one request's story.
 */
import { REQUEST_NAME_LABEL, REQUEST_NAMESPACE_LABEL } from './labels.js';

export interface RequestKey {
  /** `<namespace>/<name>` of the InternalRequest. */
  request?: string;
  requestUid?: string;
}

/** The prefix of a PipelineRun named after its request's uid (see pipelineRunName in shared/core). */
const RUN_NAME = /^internalrequest-([0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12})$/;

type Loose = Record<string, unknown> | undefined;

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

function keyOf(namespace: string | undefined, name: string | undefined, uid: string | undefined): RequestKey {
  return {
    ...(namespace && name ? { request: `${namespace}/${name}` } : {}),
    ...(uid ? { requestUid: uid } : {}),
  };
}

/** The request a log line is about, or `{}` when the subject names none. Never throws. */
export function requestKeyOf(subject: unknown): RequestKey {
  if (typeof subject !== 'object' || subject === null) return {};
  const value = subject as Record<string, unknown>;
  const metadata = value['metadata'] as Loose;
  if (!metadata) return keyOf(text(value['namespace']), text(value['name']), text(value['uid']));
  if (value['kind'] === 'PipelineRun' || (value['kind'] === undefined && RUN_NAME.test(text(metadata['name']) ?? ''))) {
    const labels = (metadata['labels'] ?? {}) as Record<string, unknown>;
    const uid = RUN_NAME.exec(text(metadata['name']) ?? '')?.[1];
    return keyOf(text(labels[REQUEST_NAMESPACE_LABEL]), text(labels[REQUEST_NAME_LABEL]), uid);
  }
  return keyOf(text(metadata['namespace']), text(metadata['name']), text(metadata['uid']));
}
