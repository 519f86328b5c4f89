/**
 * Asks Tekton's own admission code (test/kube/tekton/validate, built by binaries.ts) whether a cluster
 * with Tekton would accept PipelineRuns on create.
 */
import { spawn } from 'node:child_process';
import { BINARIES, ensureBinary } from '../binaries.js';

/** Tekton's judgement of one PipelineRun, in input order. `error` is Tekton's refusal text. */
export interface Verdict {
  namespace: string;
  name: string;
  ok: boolean;
  error?: string;
  warnings?: string[];
}

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs tekton-validate with `input` on stdin, building it first unless cached. Never rejects on exit codes. */
export async function runTektonValidate(input: string, args: string[] = []): Promise<ToolResult> {
  const binary = await ensureBinary(BINARIES.tektonValidate);
  return new Promise((done, fail) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', fail);
    child.once('close', (code) => done({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * One verdict per run. Exit 0 (all accepted) and 1 (some refused) both carry verdicts; anything else
 * means the tool could not judge, which is an error here, not a refusal.
 */
export async function validatePipelineRuns(runs: unknown[]): Promise<Verdict[]> {
  const { code, stdout, stderr } = await runTektonValidate(JSON.stringify(runs), ['-json']);
  if (code !== 0 && code !== 1) throw new Error(`tekton-validate exited with ${code}: ${stderr.trim()}`);
  const { verdicts } = JSON.parse(stdout) as { verdicts: Verdict[] };
  if (verdicts.length !== runs.length) {
    throw new Error(`tekton-validate judged ${verdicts.length} of ${runs.length} PipelineRuns`);
  }
  return verdicts;
}
