// A server's OCI spec: an ordinary server keeps Docker's defaults; a container host gets what a
// Kubernetes node needs (kube/README.md) and still no rlimits.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostCapabilities, ociSpec, type OciSpecInput } from './oci-spec.js';

const input: OciSpecInput = {
  rootfs: '/b/rootfs', hostname: 'n', process: { args: ['/init'], env: ['PATH=/bin'], cwd: '/' }, netnsPath: '/run/netns/x',
  configDrive: '/b/config-drive', ramMb: 2048, vcpus: 2,
};
type Spec = { process: { capabilities: { bounding: string[] }; noNewPrivileges: boolean; rlimits?: unknown }; mounts: { destination: string; source: string; options?: string[] }[];
  linux: { cgroupsPath?: string; maskedPaths: string[]; readonlyPaths: string[]; resources: { devices: { allow: boolean }[]; memory: { limit: number } } } };

describe('ociSpec', () => {
  it('an ordinary server: default capabilities, cgroups read-only, no devices', () => {
    const s = ociSpec(input) as unknown as Spec;
    assert.ok(!s.process.capabilities.bounding.includes('CAP_SYS_ADMIN'));
    assert.equal(s.process.noNewPrivileges, true);
    assert.ok(s.mounts.find((m) => m.destination === '/sys/fs/cgroup')!.options!.includes('ro'));
    assert.equal(s.linux.resources.devices[0]!.allow, false);
    assert.equal(s.linux.cgroupsPath, undefined);
  });

  it('a container host: the host\'s capabilities, cgroups and /sys read-write, devices, kmsg, state off the overlay', () => {
    const s = ociSpec({ ...input, containerHost: { cgroupsPath: '/pier/pier-srv-1', stateDir: '/b/state' } }) as unknown as Spec;
    assert.deepEqual(s.process.capabilities.bounding, hostCapabilities());
    assert.equal(s.process.noNewPrivileges, false);
    assert.equal(s.process.rlimits, undefined, 'no rlimits: none can be raised here');
    const at = (d: string) => s.mounts.filter((m) => m.destination === d);
    assert.equal(at('/sys/fs/cgroup').length, 1);
    assert.deepEqual(at('/sys/fs/cgroup')[0]!.options, ['rbind', 'rw']);
    assert.ok(!at('/sys')[0]!.options!.includes('ro'));
    assert.equal(at('/dev/kmsg')[0]!.source, '/dev/kmsg');
    assert.equal(at('/var/lib')[0]!.source, '/b/state');
    assert.equal(at('/mnt/config').length, 1, 'the config drive stays');
    assert.equal(s.linux.cgroupsPath, '/pier/pier-srv-1');
    assert.deepEqual([s.linux.maskedPaths, s.linux.readonlyPaths], [[], []]);
    assert.equal(s.linux.resources.devices[0]!.allow, true);
    assert.equal(s.linux.resources.memory.limit, 2048 * 1048576, 'the flavor still limits the node and its pods');
  });
});
