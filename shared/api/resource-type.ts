/** Names one Kubernetes resource type, enough to build its REST paths and to recognise its objects. */
export interface ResourceType {
  group: string;
  version: string;
  plural: string;
  kind: string;
}

/** `apiVersion` as written in objects: `group/version`, or just `version` for the core group. */
export function apiVersionOf(type: ResourceType): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`;
}
