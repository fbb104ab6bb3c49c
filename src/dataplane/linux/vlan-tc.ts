// VLAN access ports made with tc eBPF classifiers (vlan-bpf.ts), for kernels without 8021q:
// attached to a device on a trunk, they tag what it takes in and untag (and admit only) what it
// sends of its VLAN — an 802.1Q access port, with the tag in the frame's VLAN metadata as a NIC
// with VLAN offload has it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ipBatch, run } from './exec.js';
import { bpfObject, vlanProgram } from './vlan-bpf.js';

/**
 * Makes `dev` (in `ns`, or the host namespace) an access port of VLAN `vid`: frames crossing the
 * `push` hook get the tag; on the other hook only frames tagged `vid` pass, untagged. Replaces
 * whatever tc filters Pier put there before; idempotent.
 */
export async function attachVlanFilters(ns: string | undefined, dev: string, vid: number, push: 'ingress' | 'egress'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'pier-vlan-'));
  try {
    const files = { push: join(dir, 'push.o'), pop: join(dir, 'pop.o') };
    writeFileSync(files.push, bpfObject(vlanProgram('push', vid)));
    writeFileSync(files.pop, bpfObject(vlanProgram('pop', vid)));
    const pop = push === 'ingress' ? 'egress' : 'ingress';
    await run('tc', [...(ns ? ['-n', ns] : []), '-batch', '-'], [
      `qdisc replace dev ${dev} clsact`,
      `filter replace dev ${dev} ${push} pref 1 handle 1 bpf da obj ${files.push} sec classifier`,
      `filter replace dev ${dev} ${pop} pref 1 handle 1 bpf da obj ${files.pop} sec classifier`,
    ].join('\n') + '\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether this kernel runs the filters (clsact and eBPF tc classifiers), probed on a throwaway veth in `ns`. */
export async function vlanFiltersWork(ns: string): Promise<boolean> {
  try {
    await ipBatch(ns, ['link add pvtprobe0 type veth peer name pvtprobe1']);
    await attachVlanFilters(ns, 'pvtprobe0', 1, 'ingress');
    return true;
  } catch {
    return false;
  } finally {
    await ipBatch(ns, ['link del pvtprobe0']).catch(() => {});
  }
}
