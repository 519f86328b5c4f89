/** Field paths as Kubernetes prints them: `spec.items[0].name`, map keys as `spec.labels[key]`. */
export function childPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

export function indexPath(parent: string, index: number | string): string {
  return `${parent}[${index}]`;
}
