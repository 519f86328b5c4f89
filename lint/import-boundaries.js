/**
 * An ESLint rule for which part of the repository may import which. Each relative import is resolved
 * against the importing file, so the rule judges the folder the import reaches, however many `../` it
 * takes (what `no-restricted-imports`, which matches the import's text, cannot do). Folders are
 * repository-relative and end in `/`; the policy itself is the rule's options, in eslint.config.js.
 */
import { dirname, relative, resolve, sep } from 'node:path';

/** The repository-relative path of `file`, with `/` separators; undefined outside the repository. */
function repoPath(root, file) {
  const path = relative(root, file).split(sep).join('/');
  return path.startsWith('../') || path === '..' ? undefined : path;
}

/** `functions/admission/` for `functions/admission/index.ts` when `functions/` is isolated; undefined for `functions/index.ts`. */
function memberOf(path, isolated) {
  for (const parent of isolated) {
    if (!path.startsWith(parent)) continue;
    const [member, ...rest] = path.slice(parent.length).split('/');
    if (rest.length > 0) return `${parent}${member}/`;
  }
  return undefined;
}

const isEntry = (path, folder) => path === folder.slice(0, -1) || /^index\.[jt]s$/.test(path.slice(folder.length));

/** Why `from` may not import `to`, or undefined when it may. */
function refusal(from, to, options) {
  for (const { from: part, to: folders } of options.forbidden ?? []) {
    const folder = from.startsWith(part) ? folders.find((f) => to.startsWith(f)) : undefined;
    if (folder) return `${part} may not import ${folder} (${to})`;
  }
  const isolated = options.isolated ?? [];
  const [mine, theirs] = [memberOf(from, isolated), memberOf(to, isolated)];
  if (mine && theirs && mine !== theirs) return `${mine} may not import another member of its folder, ${theirs} (${to})`;
  for (const folder of options.entryOnly ?? []) {
    if (to.startsWith(folder) && !from.startsWith(folder) && !isEntry(to, folder)) return `outside ${folder}, import ${folder}index.ts, not ${to}`;
  }
  return undefined;
}

/** @type {import('eslint').Rule.RuleModule} */
export const importBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep each part of the repository to the folders it may import' },
    schema: [
      {
        type: 'object',
        properties: {
          root: { type: 'string' },
          forbidden: {
            type: 'array',
            items: {
              type: 'object',
              properties: { from: { type: 'string' }, to: { type: 'array', items: { type: 'string' } } },
              required: ['from', 'to'],
              additionalProperties: false,
            },
          },
          isolated: { type: 'array', items: { type: 'string' } },
          entryOnly: { type: 'array', items: { type: 'string' } },
        },
        required: ['root'],
        additionalProperties: false,
      },
    ],
    messages: { refused: '{{why}}' },
  },
  create(context) {
    const options = context.options[0];
    const from = repoPath(options.root, context.filename);
    if (from === undefined) return {};
    const check = (source) => {
      if (typeof source?.value !== 'string' || !source.value.startsWith('.')) return;
      const to = repoPath(options.root, resolve(dirname(context.filename), source.value));
      const why = to === undefined ? undefined : refusal(from, to, options);
      if (why) context.report({ node: source, messageId: 'refused', data: { why } });
    };
    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
    };
  },
};
