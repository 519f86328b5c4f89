/** Which port each listener takes: consecutive ports from a base, or free ones (0) when there is none. */
import { FUNCTION_NAMES } from './function-names.js';
import type { FunctionName } from './function-names.js';

export interface PortPlan {
  public: number;
  internal: number;
  broker: number;
  functions: Record<FunctionName, number>;
}

/** How many consecutive ports a base reserves: two API servers, the broker, the functions. */
export const PORTS_USED = 3 + FUNCTION_NAMES.length;

export function portPlan(base?: number): PortPlan {
  const at = (offset: number): number => (base === undefined ? 0 : base + offset);
  const functions = Object.fromEntries(FUNCTION_NAMES.map((name, i) => [name, at(3 + i)])) as Record<FunctionName, number>;
  return { public: at(0), internal: at(1), broker: at(2), functions };
}
