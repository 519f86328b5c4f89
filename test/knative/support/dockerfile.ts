/** Just enough Dockerfile and .dockerignore reading to check the image build without a Docker engine. */
import { readFileSync } from 'node:fs';

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Stages in order, each with its instructions (continuation lines joined, comments dropped). */
export function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const [from = '', as, name] = rest;
      stages.push({ from, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args });
    }
  }
  return stages;
}

export function readDockerfile(path = 'Dockerfile'): Stage[] {
  return parseDockerfile(readFileSync(path, 'utf8'));
}

function globToRegExp(pattern: string): RegExp {
  const escape = (text: string): string => text.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  const body = pattern.split(/\*\*\/?/).map(escape).join('(?:.*/)?');
  return new RegExp(`^${body}$`);
}

/** Whether .dockerignore leaves `path` (repository-relative) out of the build context. */
export function isIgnored(dockerignore: string, path: string): boolean {
  const rules = dockerignore.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    const negated = rule.startsWith('!');
    const pattern = globToRegExp((negated ? rule.slice(1) : rule).replace(/\/$/, ''));
    if (prefixes.some((prefix) => pattern.test(prefix))) ignored = !negated;
  }
  return ignored;
}
