// What the chain does not build and must trust: the seeds (listed separately), the machine that
// ran each stage (VM kernel and qemu, or bubblewrap and the host kernel) and the orchestrator.
// From a run's records when given; otherwise what this host has, marked as such.
import type { ProvenanceRecord } from '../run/record.js';
import type { TrustedBase } from '../sandbox/sandbox.js';
import { describeTool, findExecutable } from '../sandbox/tool-identity.js';
import { checkedKernel, kernelComponent, locateKernel } from '../sandbox/kernel.js';
import { messageOf } from '../errors.js';
import { KINDLING_VERSION } from '../version.js';
import type { TrustedComponentReport } from './report.js';

function identity(version: string | undefined, sha256: string | undefined): string {
  return [version, sha256 === undefined ? undefined : `sha256 ${sha256}`].filter(Boolean).join(', ') || 'no identity recorded';
}

async function onThisHost(name: string, command: string): Promise<TrustedComponentReport> {
  const path = await findExecutable(command);
  if (path === undefined) return { name, detail: `not recorded; ${command} is not installed on this host`, from: 'not known' };
  const tool = await describeTool(name, path, ['--version']);
  return { name, detail: `${identity(tool.version, tool.sha256)} (${path})`, from: 'this host' };
}

/** The kernel a qemu run here would boot, with the sha256 it is pinned at: checked before every boot. */
async function pinnedKernelHere(): Promise<TrustedComponentReport> {
  let path: string;
  try {
    path = await locateKernel();
  } catch {
    return { name: 'VM kernel', detail: 'whatever kernel the run used — see records (none is fetched on this host)', from: 'not known' };
  }
  try {
    const kernel = await checkedKernel(path);
    return {
      name: 'VM kernel',
      detail: `${identity(kernelComponent(kernel).version, kernel.sha256)}, pinned (${path})`,
      from: 'this host',
    };
  } catch (error) {
    return { name: 'VM kernel', detail: `refused: ${messageOf(error)}`, from: 'this host' };
  }
}

/** From the records of a run, from the audit's own rebuild, or (when neither) from this host. */
export async function trustedBase(records: readonly ProvenanceRecord[], rebuild?: TrustedBase): Promise<TrustedComponentReport[]> {
  const found: TrustedComponentReport[] = [];
  const seen = new Set<string>();
  const add = (base: TrustedBase, from: 'records' | 'rebuild'): void => {
    for (const component of base.components) {
      const name = component.name === 'kernel' ? 'VM kernel' : component.name;
      const detail = `${identity(component.version, component.sha256)} (${base.backend} backend)`;
      const key = `${from}\n${name}\n${detail}`;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ name, detail, from });
    }
  };
  for (const record of records) {
    add(record.trustedBase, 'records');
    const orchestrator = `kindling ${record.orchestrator.version} on node ${record.orchestrator.node}`;
    if (!seen.has(orchestrator)) {
      seen.add(orchestrator);
      found.push({ name: 'orchestrator (run)', detail: orchestrator, from: 'records' });
    }
  }
  if (rebuild !== undefined) add(rebuild, 'rebuild');
  const backends = [...new Set([...records.map((r) => r.trustedBase.backend), ...(rebuild === undefined ? [] : [rebuild.backend])])];
  if (backends.length > 0 && !found.some((c) => c.name === 'VM kernel')) {
    found.unshift({
      name: 'VM kernel',
      detail: `none: the runs used ${backends.join(', ')}, without a VM (see host-kernel)`,
      from: records.length > 0 ? 'records' : 'rebuild',
    });
  }
  if (records.length === 0 && rebuild === undefined) {
    found.push(await pinnedKernelHere());
    found.push(await onThisHost('qemu-system-x86_64', 'qemu-system-x86_64'));
    found.push(await onThisHost('bubblewrap', 'bwrap'));
  }
  found.push({ name: 'orchestrator (audit)', detail: `kindling ${KINDLING_VERSION} on node ${process.version}`, from: 'this host' });
  return found;
}
