/**
 * The documentation holds together: every relative link in README.md and docs/ reaches a file of the
 * repository (and, for a `#anchor`, a heading of that page), the README stays a front page, and no page
 * sends readers to notes that are not part of the repository. The checks are pure functions over
 * text, each shown failing on a page made to break it before it is run on the real pages.
 */
import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { documentedFeatureFlags, documentedSampleOverlay } from '../kube/support/knative-validate.js';

const REPO = resolve(import.meta.dirname, '../..');
const README_MAX_LINES = 260;
/** Design notes kept outside the repository: a page must say what it needs in its own words. */
const OUTSIDE_NOTES = ['ARCHITECTURE.md', 'BEHAVIOUR.md', 'KUBE-API-FACTS.md', 'PLATFORM-FACTS.md', 'STYLE.md'];
const SKIPPED_FOLDERS = new Set(['node_modules', '.git', 'dist', '.local', 'coverage']);

interface Link {
  line: number;
  target: string;
}

/** The page with fenced code blocks and inline code spans blanked out, line numbers kept. */
function proseOf(markdown: string): string[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const opener = /^\s*(```|~~~)/.exec(line)?.[1];
    if (fence !== undefined) {
      if (opener === fence) fence = undefined;
      return '';
    }
    if (opener !== undefined) {
      fence = opener;
      return '';
    }
    return line.replace(/`[^`]*`/g, (code) => ' '.repeat(code.length));
  });
}

/** Inline links and images, `[text](target)`, outside code. */
function linksOf(markdown: string): Link[] {
  return proseOf(markdown).flatMap((text, index) =>
    [...text.matchAll(/\[[^\]]*\]\(([^()\s]+)(?:\s+"[^"]*")?\)/g)].map((match) => ({ line: index + 1, target: match[1] ?? '' })),
  );
}

/** GitHub's anchors for the page's headings: lower case, punctuation dropped, spaces as `-`, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const opener = /^\s*(```|~~~)/.exec(line)?.[1];
    if (fence !== undefined || opener !== undefined) {
      fence = fence === undefined ? opener : opener === fence ? undefined : fence;
      continue;
    }
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const slug = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** What a page's links point at that does not exist: `<page>:<line>: <target> (<why>)`. */
function brokenLinks(page: string, markdown: string, readPage: (path: string) => string | undefined): string[] {
  const problems: string[] = [];
  for (const { line, target } of linksOf(markdown)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and the like
    const [path = '', anchor] = target.split('#', 2);
    const file = path === '' ? page : join(dirname(page), decodeURIComponent(path));
    const where = `${page}:${line}: ${target}`;
    if (relative(REPO, resolve(REPO, file)).startsWith('..')) {
      problems.push(`${where} (outside the repository)`);
      continue;
    }
    const text = file === page ? markdown : readPage(file);
    if (text === undefined) {
      problems.push(`${where} (no such file)`);
      continue;
    }
    if (anchor !== undefined && file.endsWith('.md') && !anchorsOf(text).has(anchor)) {
      problems.push(`${where} (no heading with that anchor in ${file})`);
    }
  }
  return problems;
}

/** The outside notes a page names, each with its line. */
function outsideNotesNamed(page: string, markdown: string): string[] {
  return markdown.split('\n').flatMap((text, index) =>
    OUTSIDE_NOTES.filter((note) => text.includes(note)).map((note) => `${page}:${index + 1}: ${note}`),
  );
}

function lineCount(markdown: string): number {
  return markdown.endsWith('\n') ? markdown.split('\n').length - 1 : markdown.split('\n').length;
}

/** A repository path's text; undefined when there is no such file (a folder counts as existing, with no text). */
function readRepoFile(path: string): string | undefined {
  const full = join(REPO, path);
  if (!existsSync(full)) return undefined;
  try {
    return readFileSync(full, 'utf8');
  } catch {
    return ''; // a folder
  }
}

/** Markdown files under `dir` (repository-relative), skipping dependencies and build output. */
function markdownFiles(dir: string): string[] {
  return readdirSync(join(REPO, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) return SKIPPED_FOLDERS.has(entry.name) ? [] : markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

const DOC_PAGES = ['README.md', ...markdownFiles('docs')];
const pageText = (page: string): string => readFileSync(join(REPO, page), 'utf8');

describe('the checks themselves', () => {
  const pages: Record<string, string> = {
    'docs/a.md': '# A page\n\n## Two words: `code` here\n\n## Again\n\n## Again\n',
    'docs/folder': '',
  };
  const read = (path: string): string | undefined => pages[path];

  it('when a link names a file that does not exist, then it is reported with its page and line', () => {
    expect(brokenLinks('README.md', 'Intro.\n\nSee [the page](docs/nope.md).\n', read)).toEqual(['README.md:3: docs/nope.md (no such file)']);
  });

  it('when a link names a heading the page does not have, then it is reported', () => {
    expect(brokenLinks('docs/b.md', '[x](a.md#two-words-code-here) [y](a.md#again-1) [z](a.md#three)', read)).toEqual([
      'docs/b.md:1: a.md#three (no heading with that anchor in docs/a.md)',
    ]);
  });

  it('when a link leaves the repository, then it is reported', () => {
    expect(brokenLinks('docs/b.md', '[notes](../../notes/x.md)', read)).toEqual(['docs/b.md:1: ../../notes/x.md (outside the repository)']);
  });

  it('when links point at the page itself, a folder, or the web, or sit in code, then nothing is reported unless the anchor is missing', () => {
    const page = '# Top\n\n[up](#top) [gone](#bottom) [f](folder) [w](https://example.com/x.md)\n\n```sh\n[c](missing.md)\n```\n`[d](missing.md)`\n';
    expect(brokenLinks('docs/a.md', page, read)).toEqual(['docs/a.md:3: #bottom (no heading with that anchor in docs/a.md)']);
  });

  it('when a page names one of the outside notes, then each mention is reported', () => {
    expect(outsideNotesNamed('docs/x.md', 'fine\nas ARCHITECTURE.md says, and STYLE.md\n')).toEqual(['docs/x.md:2: ARCHITECTURE.md', 'docs/x.md:2: STYLE.md']);
  });

  it('when a page has one line more than the limit, then its count is over the limit', () => {
    expect(lineCount('x\n'.repeat(README_MAX_LINES + 1))).toBeGreaterThan(README_MAX_LINES);
    expect(lineCount('x\n'.repeat(README_MAX_LINES))).toBe(README_MAX_LINES);
  });
});

describe('the documentation', () => {
  it('when the pages are listed, then the README and every page of docs/ are among them', () => {
    expect(DOC_PAGES).toEqual(expect.arrayContaining(['README.md', 'docs/api.md', 'docs/deploy.md', 'docs/operate.md', 'docs/embedded.md', 'docs/develop.md', 'docs/figures.md']));
  });

  it.each(DOC_PAGES)('when the links of %s are followed, then each reaches a file of the repository and, with an anchor, a heading', (page) => {
    expect(brokenLinks(page, pageText(page), readRepoFile)).toEqual([]);
  });

  it(`when the README is counted, then it has at most ${README_MAX_LINES} lines`, () => {
    expect(lineCount(pageText('README.md'))).toBeLessThanOrEqual(README_MAX_LINES);
  });

  it.each(markdownFiles(''))('when %s is read, then it names none of the design notes kept outside the repository', (page) => {
    expect(outsideNotesNamed(page, pageText(page))).toEqual([]);
  });

  it('when the test bed reads docs/deploy.md, then it finds the feature-flag statement and the sample overlay it checks', () => {
    expect(documentedFeatureFlags()).toEqual(expect.any(Array));
    expect(documentedSampleOverlay()).toMatch(/^# deploy\/private\/kustomization\.yaml\n[\s\S]*knative\/private/);
  });
});
