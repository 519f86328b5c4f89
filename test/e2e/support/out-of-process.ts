/**
 * The five functions of a fault bed moved into processes of their own, as production runs them: each
 * one the functions-framework command line for its target, reaching each cluster through a hop of its
 * own (so the hop knows which function calls), and the broker's Triggers pointed at them. A function
 * can be killed between two of its cluster calls, and started again on the same port.
 */
import { FUNCTION_NAMES } from '../../../local/embedded/index.js';
import type { FunctionName } from '../../../local/embedded/index.js';
import type { ApiHop, Call } from './api-hop.js';
import type { ClusterName, FaultBed } from './fault-bed.js';
import { freePortBase } from './free-ports.js';
import { startFunctionProcess } from './function-process.js';
import type { FunctionProcess } from './function-process.js';

export interface OutOfProcessFunctions {
  /**
   * Arms a kill: the next call of `fn` to `cluster` that `matches` reaches the server and is applied,
   * then the process is killed (SIGKILL) before the answer reaches it, so it dies right after that call.
   * The broker's retries are held from then on. Resolves once the process is dead.
   */
  killAfter(fn: FunctionName, cluster: ClusterName, matches: (call: Call) => boolean): Promise<void>;
  /** Starts the killed process again on its port and lets the broker's retries go. */
  restart(fn: FunctionName): Promise<void>;
  /** Processes killed so far. */
  readonly kills: number;
  /** Stops the processes and points the broker back at the functions of the test's process. */
  stop(): Promise<void>;
}

export async function runFunctionsOutOfProcess(bed: FaultBed): Promise<OutOfProcessFunctions> {
  const base = await freePortBase(FUNCTION_NAMES.length);
  const processes = new Map<FunctionName, FunctionProcess>();
  const hops = new Map<FunctionName, Record<ClusterName, ApiHop>>();
  let kills = 0;
  const stop = async (): Promise<void> => {
    for (const name of FUNCTION_NAMES) bed.deliveries[name].target = bed.system.endpoints.functions[name];
    await Promise.all([...processes.values()].map((p) => p.stop()));
  };
  try {
    await Promise.all(FUNCTION_NAMES.map(async (name, i) => {
      const [remote, internal] = [await bed.addHop('public'), await bed.addHop('internal')];
      hops.set(name, { public: remote.hop, internal: internal.hop });
      const running = await startFunctionProcess(name, base + i, {
        ...process.env,
        REMOTE_KUBECONFIG: remote.kubeconfig,
        KUBECONFIG: internal.kubeconfig,
        K_SINK: bed.system.endpoints.broker,
        // Every handler reads the config, so a function makes the same calls whatever it handled before.
        CONFIG_TTL_SECONDS: '0',
      });
      processes.set(name, running);
      bed.deliveries[name].target = running.url;
    }));
  } catch (error) {
    await stop();
    throw error;
  }
  const processOf = (fn: FunctionName): FunctionProcess => processes.get(fn) as FunctionProcess;
  return {
    killAfter: async (fn, cluster, matches) => {
      const hop = (hops.get(fn) as Record<ClusterName, ApiHop>)[cluster];
      await hop.withholdAnswer(matches, async () => {
        bed.gate.close();
        await processOf(fn).kill();
        kills++;
      });
    },
    restart: async (fn) => {
      await processOf(fn).restart();
      bed.gate.open();
    },
    get kills() {
      return kills;
    },
    stop,
  };
}
