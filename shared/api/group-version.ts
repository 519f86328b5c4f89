/** The API group and version of both custom resources, unchanged from the reference so clients keep working. */
export const GROUP = 'appstudio.redhat.com';
export const VERSION = 'v1alpha1';
