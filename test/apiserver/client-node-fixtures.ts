/** Shared set-up for the client-node tests of the API server (local or real): a Widget CRD and client factories. */
import * as k8s from '@kubernetes/client-node';

export const GROUP = 'example.com';
export const VERSION = 'v1';
export const WIDGETS = 'widgets';

/** A namespaced CRD with a structural schema, defaults, a status subresource and printer columns. */
export const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: WIDGETS, kind: 'Widget', shortNames: ['wd'] },
    versions: [{
      name: VERSION, served: true, storage: true,
      subresources: { status: {} },
      additionalPrinterColumns: [
        { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
        { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
        { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
      ],
      schema: {
        openAPIV3Schema: {
          type: 'object',
          properties: {
            spec: {
              type: 'object',
              required: ['size'],
              properties: {
                size: { type: 'integer', minimum: 0 },
                color: { type: 'string', enum: ['red', 'blue'], default: 'red' },
                extra: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
            status: {
              type: 'object',
              properties: {
                phase: { type: 'string' },
                conditions: { type: 'array', items: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
              },
            },
          },
        },
      },
    }],
  },
};

export interface Widget extends k8s.KubernetesObject {
  spec?: { size?: number; color?: string; extra?: Record<string, unknown>; [k: string]: unknown };
  status?: { phase?: string; conditions?: Array<Record<string, unknown>> };
}

export function widget(name: string, size = 1, labels?: Record<string, string>): Widget {
  return { apiVersion: `${GROUP}/${VERSION}`, kind: 'Widget', metadata: { name, ...(labels ? { labels } : {}) }, spec: { size } };
}

export function kubeConfigFor(yaml: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(yaml);
  return kc;
}

export const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
export const jsonPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch);
export const strategicPatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

/** The HTTP status of a client-node ApiException (or the Watch error's statusCode). */
export function statusOf(error: unknown): number | undefined {
  const e = error as { code?: number; statusCode?: number };
  return e.code ?? e.statusCode;
}

/** The parsed Status body of a client-node ApiException. */
export function bodyOf(error: unknown): { reason?: string; message?: string; code?: number; details?: Record<string, unknown>; metadata?: { continue?: string } } {
  const body = (error as { body?: unknown }).body;
  return typeof body === 'string' ? (JSON.parse(body) as object) : ((body ?? {}) as object);
}

/** Waits for a condition with a deadline; never sleeps for a fixed time to pass. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
