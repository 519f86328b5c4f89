/** Reads CRD objects from multi-document YAML files (other kinds in the files are skipped). */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { isPlainObject } from './kube-object.js';

export async function readCrdFiles(paths: string[]): Promise<unknown[]> {
  const crds: unknown[] = [];
  for (const path of paths) {
    const text = await readFile(path, 'utf8');
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message ?? 'invalid YAML'}`);
      const value: unknown = doc.toJS();
      if (isPlainObject(value) && value.kind === 'CustomResourceDefinition') crds.push(value);
    }
  }
  return crds;
}
