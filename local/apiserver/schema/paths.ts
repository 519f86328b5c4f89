/** Field paths as kube-apiserver prints them for CRDs: `spec.items[0].name`, map values as `spec.env.KEY`. */
export function childPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}
