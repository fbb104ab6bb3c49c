// The node configurations as the image bakes them: the node's paths, no per-node values (the
// init appends those), the settings this host needs (kube/README.md).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { renderContainerdConfig, renderKubeletConfig, renderKubeProxyConfig } from './node-configs.js';

describe('node configs', () => {
  it('kubelet: cgroupfs on v1, checks (never writes) kernel defaults; per-node values only when given', () => {
    const base = { podLogsDir: '/var/log/pods', volumePluginDir: '/v', resolvConf: '/r', containerdSocket: '/run/containerd/containerd.sock', clientCa: '/ca.crt' };
    const baked = parse(renderKubeletConfig(base));
    assert.equal(baked.cgroupDriver, 'cgroupfs');
    assert.equal(baked.failCgroupV1, false);
    assert.equal(baked.protectKernelDefaults, true);
    assert.equal(baked.containerRuntimeEndpoint, 'unix:///run/containerd/containerd.sock');
    assert.equal(baked.authentication.x509.clientCAFile, '/ca.crt');
    for (const k of ['cgroupRoot', 'maxOpenFiles', 'oomScoreAdj', 'address']) assert.equal(k in baked, false, k);
    // What the node's init appends (kube/node_init.go) must still be one YAML document without duplicates.
    const appended = parse(`${renderKubeletConfig(base)}\ncgroupRoot: /x/pier-srv-1\nmaxOpenFiles: 20000\noomScoreAdj: 0\n`);
    assert.equal(appended.cgroupRoot, '/x/pier-srv-1');
    const test = parse(renderKubeletConfig({ ...base, node: { address: '192.0.2.1', cgroupRoot: '/t', maxOpenFiles: 100, oomScoreAdj: 5 } }));
    assert.deepEqual([test.address, test.cgroupRoot, test.maxOpenFiles, test.oomScoreAdj], ['192.0.2.1', '/t', 100, 5]);
  });

  it('containerd: its own paths, the local sandbox image, clamped oom scores', () => {
    const text = renderContainerdConfig({ root: '/var/lib/containerd', state: '/run/containerd', socket: '/run/containerd/containerd.sock', cniConf: '/etc/cni/net.d' }, 'pier.local/pause:1');
    assert.match(text, /^root = "\/var\/lib\/containerd"$/m);
    assert.match(text, /sandbox_image = "pier.local\/pause:1"/);
    assert.match(text, /restrict_oom_score_adj = true/);
    assert.match(text, /conf_dir = "\/etc\/cni\/net.d"/);
  });

  it('kube-proxy: nftables, leaves the global conntrack settings alone', () => {
    const c = parse(renderKubeProxyConfig('/var/lib/kubelet/kubeconfig'));
    assert.equal(c.mode, 'nftables');
    assert.equal(c.conntrack.maxPerCore, 0);
    assert.equal(c.clientConnection.kubeconfig, '/var/lib/kubelet/kubeconfig');
    const appended = parse(`${renderKubeProxyConfig('/k')}\nclusterCIDR: 10.100.0.0/16\noomScoreAdj: 0\nhostnameOverride: n\n`);
    assert.equal(appended.clusterCIDR, '10.100.0.0/16');
  });
});
