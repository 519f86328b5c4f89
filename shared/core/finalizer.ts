import { FINALIZER } from '../api/index.js';
import type { InternalRequest, MergePatch } from '../api/index.js';

export function hasFinalizer(ir: InternalRequest): boolean {
  return ir.metadata.finalizers?.includes(FINALIZER) ?? false;
}

/**
 * A merge patch replaces the whole finalizer list, so it names the resourceVersion it was computed from:
 * if anyone changed the list meanwhile, the server answers 409 Conflict (retried, then recomputed) and
 * no other finalizer is lost. A JSON patch `test` op would guard as well, but fails with 422, which the
 * retry protocol would treat as a malformed event.
 */
function finalizersPatch(ir: InternalRequest, finalizers: string[]): MergePatch {
  return { merge: { metadata: { resourceVersion: ir.metadata.resourceVersion, finalizers } } };
}

/** Adds the cleanup finalizer once; null when it is already there. */
export function addFinalizerPatch(ir: InternalRequest): MergePatch | null {
  if (hasFinalizer(ir)) return null;
  return finalizersPatch(ir, [...(ir.metadata.finalizers ?? []), FINALIZER]);
}

/** Removes the cleanup finalizer and only it; null when it is not there. */
export function removeFinalizerPatch(ir: InternalRequest): MergePatch | null {
  if (!hasFinalizer(ir)) return null;
  return finalizersPatch(
    ir,
    (ir.metadata.finalizers ?? []).filter((finalizer) => finalizer !== FINALIZER),
  );
}
