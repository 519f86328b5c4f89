/** Messages between the bench and a part host (one child process running one part of the system). */
import type { RequestCount } from '../../local/apiserver/index.js';
import type { ClusterName, PartName, SplitPlan, SystemInfo } from './parts.js';

export type HostRequest =
  | { kind: 'start'; part: PartName; plan: SplitPlan }
  | { kind: 'cpu'; id: number }
  | { kind: 'idle'; id: number }
  | { kind: 'requests'; id: number }
  | { kind: 'reset'; id: number }
  | { kind: 'stop'; id: number };

/** CPU this process used since it started (process.cpuUsage, all its threads), in microseconds. */
export interface CpuSample {
  userMicros: number;
  systemMicros: number;
}

export type HostAnswer =
  | { kind: 'started'; info: SystemInfo | undefined }
  | { kind: 'failed'; error: string }
  | { kind: 'answer'; id: number; cpu?: CpuSample; requests?: Record<ClusterName, RequestCount[]> }
  | { kind: 'error'; id: number; error: string };
