// Writes a Tempest workspace (.stestr.conf + etc/tempest.conf) for one running Pier. Feature
// flags say what Pier really has: no public network id, no agents, identity v3 only, and the
// services its catalog lists; extensions are `all`, as in issue 17's reference run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TempestTarget {
  /** Pier's base URL, e.g. http://127.0.0.1:5000 */
  url: string;
  adminPassword: string;
  /** The services Tempest may test: identity and network always. */
  services: { compute?: boolean; image?: boolean; orchestration?: boolean };
  /** Compute's boot source and sizes: Pier's seeded busybox image and m1.* flavors. */
  compute?: { imageRef: string; flavorRef: string; flavorRefAlt: string; maxMicroversion: string };
  /** heat-tempest-plugin's fixed user (it takes no dynamic credentials): Pier's seeded demo user. */
  orchestration?: { demoPassword: string; imageRef: string };
}

const TEMPEST_TOP = '/usr/lib/python3/dist-packages/tempest';

/** An ini file from sections of key → value. */
function ini(sections: Record<string, Record<string, string | number | boolean>>): string {
  return Object.entries(sections)
    .map(([name, keys]) => `[${name}]\n${Object.entries(keys).map(([k, v]) => `${k} = ${v}`).join('\n')}\n`)
    .join('\n');
}

export function tempestConf(t: TempestTarget, workspace: string): string {
  return ini({
    DEFAULT: { log_file: 'tempest.log', log_dir: join(workspace, 'logs') },
    oslo_concurrency: { lock_path: join(workspace, 'tempest_lock') },
    auth: {
      use_dynamic_credentials: true,
      admin_username: 'admin', admin_password: t.adminPassword,
      admin_project_name: 'admin', admin_domain_name: 'Default',
      // Pier's own member role, as Keystone's bootstrap makes it.
      tempest_roles: 'member',
      create_isolated_networks: true,
    },
    identity: {
      uri_v3: `${t.url}/identity/v3`, auth_version: 'v3', region: 'RegionOne',
      v3_endpoint_type: 'public', disable_ssl_certificate_validation: true,
    },
    'identity-feature-enabled': { api_v2: false, api_v3: true, security_compliance: false },
    service_available: {
      neutron: true, nova: !!t.services.compute, glance: !!t.services.image,
      cinder: false, swift: false, horizon: false,
      // Registered by heat-tempest-plugin; unknown to Tempest alone (and then ignored).
      heat: !!t.services.orchestration,
    },
    network: {
      project_network_cidr: '10.100.0.0/16', project_network_mask_bits: 28,
      project_networks_reachable: false,
    },
    'network-feature-enabled': { api_extensions: 'all', ipv6: true, ipv6_subnet_attributes: true },
    validation: { run_validation: false },
    ...(t.compute ? computeSections(t.compute) : {}),
    ...(t.orchestration ? {
      heat_plugin: {
        auth_url: `${t.url}/identity/v3`, auth_version: 3, region: 'RegionOne', endpoint_type: 'public',
        username: 'demo', password: t.orchestration.demoPassword, project_name: 'demo',
        admin_username: 'admin', admin_password: t.adminPassword, admin_project_name: 'admin',
        user_domain_name: 'Default', project_domain_name: 'Default',
        instance_type: 'm1.tiny', minimal_instance_type: 'm1.tiny', image_ref: t.orchestration.imageRef, minimal_image_ref: t.orchestration.imageRef,
        disable_ssl_certificate_validation: true, skip_scenario_tests: true, skip_functional_tests: true,
      },
    } : {}),
  });
}

/**
 * What Tempest needs to boot Pier's servers, and the features a container cannot have switched
 * off: no resize or migration (one host, no disk to move), no rescue, shelve, suspend or
 * snapshot (no VM image to swap, park or save), no config drive or disk partitioning, no remote
 * consoles (the dashboard's work).
 */
function computeSections(c: NonNullable<TempestTarget['compute']>): Record<string, Record<string, string | number | boolean>> {
  return {
    compute: {
      image_ref: c.imageRef, image_ref_alt: c.imageRef, flavor_ref: c.flavorRef, flavor_ref_alt: c.flavorRefAlt,
      min_microversion: '2.1', max_microversion: c.maxMicroversion, build_timeout: 120, build_interval: 1,
      min_compute_nodes: 1,
    },
    'compute-feature-enabled': {
      resize: false, cold_migration: false, live_migration: false, rescue: false, stable_rescue: false,
      shelve: false, shelve_migrate: false, suspend: false, snapshot: false, config_drive: false,
      disk_config: false, change_password: false, personality: false, swap_volume: false,
      attach_encrypted_volume: false, volume_multiattach: false,
      vnc_console: false, spice_console: false, rdp_console: false, serial_console: false,
      pause: true, console_output: true, interface_attach: true, metadata_service: true, enable_instance_password: true,
    },
    'image-feature-enabled': { api_v1: false, api_v2: true, import_image: false, os_glance_reserved: false },
  };
}

/** Makes the workspace directory Tempest runs in; returns the config file's path. */
export function writeWorkspace(t: TempestTarget, workspace: string): string {
  mkdirSync(join(workspace, 'etc'), { recursive: true });
  mkdirSync(join(workspace, 'logs'), { recursive: true });
  mkdirSync(join(workspace, 'tempest_lock'), { recursive: true });
  writeFileSync(join(workspace, '.stestr.conf'),
    `[DEFAULT]\ntest_path=${TEMPEST_TOP}/test_discover\ntop_dir=${TEMPEST_TOP}\ngroup_regex=([^\\.]*\\.)*\n`);
  const conf = join(workspace, 'etc', 'tempest.conf');
  writeFileSync(conf, tempestConf(t, workspace));
  return conf;
}
