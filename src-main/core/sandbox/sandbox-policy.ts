/**
 * The contract's sandbox policy and `sandbox check`: every container labelled
 * us.stratam.role=sandbox, running or exited, must have NetworkMode none,
 * ReadonlyRootfs true and Memory 134217728. Anything else is a violation.
 */
import type { Droplet } from '../droplet/droplet.js';
import { dockerFor, isNotFound } from '../docker/docker-client.js';

export const SANDBOX_LABEL = 'us.stratam.role';
export const SANDBOX_ROLE = 'sandbox';
export const SANDBOX_MEMORY = 134217728;

export interface Violation {
  id: string;
  name: string;
  setting: 'NetworkMode' | 'ReadonlyRootfs' | 'Memory';
  expected: string | number | boolean;
  actual: string | number | boolean | null;
}

export interface SandboxCheck {
  checked: number;
  containers: Array<{ id: string; name: string; state: string }>;
  violations: Violation[];
}

interface HostConfigLike {
  NetworkMode?: string;
  ReadonlyRootfs?: boolean;
  Memory?: number;
}

export function policyViolations(id: string, name: string, hc: HostConfigLike): Violation[] {
  const out: Violation[] = [];
  if (hc.NetworkMode !== 'none') out.push({ id, name, setting: 'NetworkMode', expected: 'none', actual: hc.NetworkMode ?? null });
  if (hc.ReadonlyRootfs !== true) out.push({ id, name, setting: 'ReadonlyRootfs', expected: true, actual: hc.ReadonlyRootfs ?? null });
  if (hc.Memory !== SANDBOX_MEMORY) out.push({ id, name, setting: 'Memory', expected: SANDBOX_MEMORY, actual: hc.Memory ?? null });
  return out;
}

export async function checkSandboxes(droplet: Droplet): Promise<SandboxCheck> {
  const { docker } = dockerFor(droplet);
  const list = await docker.listContainers({ all: true, filters: { label: [`${SANDBOX_LABEL}=${SANDBOX_ROLE}`] } });
  const violations: Violation[] = [];
  const containers: SandboxCheck['containers'] = [];
  for (const c of list) {
    try {
      // Inspect rather than trust the list's HostConfig summary: it carries NetworkMode only.
      const info = await docker.getContainer(c.Id).inspect();
      const name = info.Name.replace(/^\//, '');
      containers.push({ id: info.Id, name, state: info.State.Status });
      violations.push(...policyViolations(info.Id, name, info.HostConfig as HostConfigLike));
    } catch (err) {
      if (!isNotFound(err)) throw err; // removed between list and inspect (auto-remove): nothing to judge
    }
  }
  return { checked: containers.length, containers, violations };
}
