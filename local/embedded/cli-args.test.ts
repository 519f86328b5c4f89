import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { parseCliArgs, UsageError } from './cli-args.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-args-'));
const kubeconfig = join(dir, 'test.kubeconfig');
writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the command line of npm start', () => {
  it('when there are no arguments, then everything runs locally with the defaults', () => {
    expect(parseCliArgs([])).toEqual({ kind: 'start', options: { dir: undefined, portBase: undefined, clusters: undefined, resyncEveryMs: undefined } });
  });

  it('when --dir and --port-base are given, then they are used', () => {
    expect(parseCliArgs(['--dir', 'state', '--port-base', '18000'])).toEqual({
      kind: 'start',
      options: { dir: 'state', portBase: 18000, clusters: undefined, resyncEveryMs: undefined },
    });
  });

  it('when both kubeconfigs are given, then the system runs against those clusters', () => {
    const command = parseCliArgs(['--remote-kubeconfig', kubeconfig, '--internal-kubeconfig', kubeconfig]);
    expect(command).toEqual({ kind: 'start', options: { dir: undefined, portBase: undefined, clusters: { remoteKubeconfig: kubeconfig, internalKubeconfig: kubeconfig }, resyncEveryMs: undefined } });
  });

  it('when the watcher has its own kubeconfig, then it is passed along with the functions\' one', () => {
    const command = parseCliArgs(['--remote-kubeconfig', kubeconfig, '--internal-kubeconfig', kubeconfig, '--remote-watcher-kubeconfig', kubeconfig]);
    expect(command).toMatchObject({ kind: 'start', options: { clusters: { remoteKubeconfig: kubeconfig, internalKubeconfig: kubeconfig, remoteWatcherKubeconfig: kubeconfig } } });
  });

  it.each([
    ['60s', 60_000],
    ['5m', 300_000],
    ['1m30s', 90_000],
    ['1.5s', 1_500],
    ['1s', 1_000],
    ['0', 0],
  ])('when --resync-every is %j, then sweeps run every %i ms (0: none)', (text, ms) => {
    expect(parseCliArgs(['--resync-every', text])).toMatchObject({ kind: 'start', options: { resyncEveryMs: ms } });
  });

  it('when --over-http is given, then every event goes over loopback HTTP; without it, the parts hand events over in-process', () => {
    expect(parseCliArgs(['--over-http'])).toMatchObject({ kind: 'start', options: { overHttp: true } });
    expect(parseCliArgs([])).toEqual({ kind: 'start', options: expect.not.objectContaining({ overHttp: expect.anything() }) });
  });

  it('when --resync-every is given with real clusters, then it applies there too', () => {
    const command = parseCliArgs(['--remote-kubeconfig', kubeconfig, '--internal-kubeconfig', kubeconfig, '--resync-every', '2m']);
    expect(command).toMatchObject({ kind: 'start', options: { clusters: { remoteKubeconfig: kubeconfig }, resyncEveryMs: 120_000 } });
  });

  it('when --allow names tenant namespaces, split by commas or repeated, then each is allowed once, in order', () => {
    expect(parseCliArgs(['--allow', 'team-a,team-b', '--allow', 'team-c,team-a'])).toMatchObject({ kind: 'start', options: { allow: ['team-a', 'team-b', 'team-c'] } });
  });

  it('when --help is given, then help is asked for', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--port-base', '80x'], '--port-base must be a port from 1 to 65528'],
    [['--port-base', '0'], '--port-base must be a port'],
    [['--port-base', '65530'], '--port-base must be a port'],
    [['--remote-kubeconfig', kubeconfig], 'go together'],
    [['--internal-kubeconfig', kubeconfig], 'go together'],
    [['--remote-kubeconfig', kubeconfig, '--internal-kubeconfig', '/no/such/file'], 'no kubeconfig file at /no/such/file'],
    [['--remote-watcher-kubeconfig', kubeconfig], '--remote-watcher-kubeconfig needs --remote-kubeconfig and --internal-kubeconfig'],
    [['--remote-kubeconfig', kubeconfig, '--internal-kubeconfig', kubeconfig, '--remote-watcher-kubeconfig', '/no/watcher'], 'no kubeconfig file at /no/watcher'],
    [['--dir', ''], '--dir needs a path'],
    [['--resync-every', '60'], '--resync-every must be a duration such as 30s or 5m (at least 1s), or 0 for no sweeps, not "60"'],
    [['--resync-every', 'soon'], '--resync-every must be a duration'],
    [['--resync-every', '500ms'], '--resync-every must be a duration'],
    [['--resync-every=-1m'], '--resync-every must be a duration'],
    [['--resync-every'], "Option '--resync-every <value>' argument missing"],
    [['--allow', 'Team_A'], '--allow takes namespace names; "Team_A" is not one: a lowercase RFC 1123 label'],
    [['--allow', 'team-a,'], '--allow takes namespace names; "" is not one'],
    [['--allow', 'x'.repeat(64)], 'must be no more than 63 characters'],
    [['--remote-kubeconfig', kubeconfig, '--internal-kubeconfig', kubeconfig, '--allow', 'team-a'], '--allow sets up the local clusters; on real clusters add the namespace to the allowList'],
    [['--verbose'], "Unknown option '--verbose'"],
    [['stray'], 'stray'],
  ])('when the arguments are %j, then a UsageError says %j', (args, message) => {
    expect(() => parseCliArgs(args)).toThrow(UsageError);
    expect(() => parseCliArgs(args)).toThrow(message);
  });
});
