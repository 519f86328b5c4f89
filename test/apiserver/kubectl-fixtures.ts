/** A test CRD that exercises what kubectl relies on: printer columns, defaults, validation, status. */
export const WIDGET_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.example.com' },
  spec: {
    group: 'example.com',
    scope: 'Namespaced',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList', shortNames: ['wd'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        additionalPrinterColumns: [
          { name: 'Size', type: 'integer', jsonPath: '.spec.size' },
          { name: 'Color', type: 'string', jsonPath: '.spec.color' },
          { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
          { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
        ],
        schema: {
          openAPIV3Schema: {
            type: 'object',
            description: 'Widget is a thing the tests create.',
            properties: {
              spec: {
                type: 'object',
                description: 'WidgetSpec is the desired state of a widget.',
                required: ['size'],
                properties: {
                  size: { type: 'integer', minimum: 1, description: 'How many parts the widget has.' },
                  color: { type: 'string', enum: ['red', 'green', 'blue'], default: 'red', description: 'Paint colour.' },
                  label: { type: 'string', pattern: '^[a-z]+$', description: 'A lowercase tag.' },
                },
              },
              status: {
                type: 'object',
                properties: {
                  conditions: {
                    type: 'array',
                    items: {
                      type: 'object',
                      required: ['type', 'status'],
                      properties: {
                        type: { type: 'string' },
                        status: { type: 'string' },
                        reason: { type: 'string' },
                        message: { type: 'string' },
                        lastTransitionTime: { type: 'string', format: 'date-time' },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ],
  },
};

/** A Widget manifest as a user would write it for `kubectl create -f` / `apply -f`. */
export function widgetYaml(name: string, spec: string, extraMetadata = ''): string {
  return `apiVersion: example.com/v1
kind: Widget
metadata:
  name: ${name}
${extraMetadata}spec:
${spec}
`;
}
