/**
 * Knative's own judgement of manifests: renders kustomize trees with `kubectl kustomize` and feeds
 * them to knative-validate (test/kube/knative/validate), the release's webhook defaulting and
 * validation run without a cluster. The feature flags it is given come from the prerequisites in
 * docs/deploy.md, so what admins are told to enable is exactly what the manifests are checked with.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BINARIES, ensureBinary } from '../binaries.js';

const REPO = resolve(import.meta.dirname, '../../..');

export interface Verdict {
  /** `<Kind>/<namespace>/<name>` */
  object: string;
  /** `ok`, `skipped (not Knative)`, or Knative's error */
  verdict: string;
}

export interface Report {
  exitCode: number;
  /** The Knative modules the validator was built from, e.g. `knative.dev/serving v0.49.1, …`. */
  knative: string;
  /** The flags it validated with, as `serving <name>=<Value>` (empty: the releases' defaults). */
  features: string[];
  verdicts: Verdict[];
  stderr: string;
}

export interface FeatureFlag {
  name: string;
  value: string;
  /** The oldest Knative release docs/deploy.md says has the flag, e.g. `1.10`. */
  since: string;
}

/** Builds knative-validate (cached) and returns a function that judges rendered YAML with it. */
export async function knativeValidator(): Promise<(yaml: string, flags?: FeatureFlag[]) => Report> {
  const binary = await ensureBinary(BINARIES.knativeValidate);
  return (yaml, flags = []) => runValidator(binary, yaml, flags.map((f) => `${f.name}=${f.value}`));
}

export function runValidator(binary: string, yaml: string, features: string[]): Report {
  const run = spawnSync(binary, features.flatMap((f) => ['--feature', f]), { input: yaml, encoding: 'utf8' });
  if (run.error) throw run.error;
  const lines = run.stdout.split('\n').filter((line) => line !== '');
  const value = (prefix: string): string[] => lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
  return {
    exitCode: run.status ?? -1,
    knative: value('knative: ')[0] ?? '',
    features: value('feature: '),
    verdicts: lines
      .filter((l) => !/^(knative|features?): /.test(l))
      .map((l) => {
        const at = l.indexOf(': ');
        return { object: l.slice(0, at), verdict: l.slice(at + 2) };
      }),
    stderr: run.stderr,
  };
}

/** The YAML `kubectl kustomize <dir>` prints, as an admin would apply it. */
export function renderKustomize(dir: string): string {
  const run = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
  if (run.error) throw new Error(`kubectl (1.27 or later) is needed to render ${dir}: ${run.error.message}`);
  if (run.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${run.stderr}`);
  return run.stdout;
}

/** The page admins install from: its prerequisites and sample overlay are what the tests below read. */
export const DEPLOY_GUIDE = 'docs/deploy.md';

export function deployGuide(): string {
  return readFileSync(join(REPO, DEPLOY_GUIDE), 'utf8');
}

/**
 * The deploy guide's section `## <title>` or `### <title>`, up to the next `##`-or-deeper heading (a
 * `# ` line in a code block is not one).
 */
export function guideSection(title: string, text = deployGuide()): string {
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const found = new RegExp(`\\n#{2,3} ${escaped}\\n`).exec(text);
  if (!found) throw new Error(`${DEPLOY_GUIDE} has no section "## ${title}" or "### ${title}"`);
  const body = text.slice(found.index + found[0].length);
  const end = body.search(/\n#{2,6} /);
  return end < 0 ? body : body.slice(0, end);
}

/**
 * The Knative feature flags the deploy guide's prerequisites tell admins to set. The statement reads
 * "Feature flags (`config-features`): none ..." or lists entries of the form
 * "`<name>: <value>` (Knative ≥ 1.N)"; anything else is an error, so the statement cannot drift
 * away from what the tests read.
 */
export function documentedFeatureFlags(text = deployGuide()): FeatureFlag[] {
  const prerequisites = guideSection('Prerequisites', text).replace(/\s+/g, ' ');
  const match = /Feature flags \(`config-features`\): (.*?)\.(?: |$)/.exec(prerequisites);
  if (!match?.[1]) throw new Error(`${DEPLOY_GUIDE} prerequisites state no "Feature flags (\`config-features\`): …"`);
  const statement = match[1];
  const flags = [...statement.matchAll(/`([a-z0-9.-]+): ([A-Za-z]+)` \(Knative ≥ (1\.\d+)\)/g)]
    .map(([, name = '', value = '', since = '']) => ({ name, value, since }));
  if (flags.length === 0 && !/^none\b/.test(statement)) {
    throw new Error(`${DEPLOY_GUIDE} feature-flag statement lists no \`name: value\` (Knative ≥ 1.N) and does not say none: "${statement}"`);
  }
  return flags;
}

/** The deploy guide's sample overlay for the private cluster (the YAML block under "4. Install the private side"). */
export function documentedSampleOverlay(text = deployGuide()): string {
  const section = guideSection('4. Install the private side', text);
  const block = /```yaml\n(# deploy\/private\/kustomization\.yaml\n[\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error(`${DEPLOY_GUIDE} step 4 has no \`\`\`yaml block starting "# deploy/private/kustomization.yaml"`);
  return block[1];
}

/** The knative.dev Serving and Eventing versions test/kube/knative/go.mod pins. */
export function pinnedKnative(): string {
  const goMod = readFileSync(join(REPO, 'test/kube/knative/go.mod'), 'utf8');
  const pin = (module: string): string => {
    const found = new RegExp(`^\\s*${module.replace(/\./g, '\\.')} (v\\S+)`, 'm').exec(goMod);
    if (!found?.[1]) throw new Error(`go.mod does not require ${module}`);
    return `${module} ${found[1]}`;
  };
  return [pin('knative.dev/serving'), pin('knative.dev/eventing')].join(', ');
}
