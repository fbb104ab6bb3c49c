import { bool, defineResource, json, listOf, noneAsEmpty, nullable, str } from '../../core/resource/index.js';
import { hostRoute } from './subnet.js';
import { description, name, owned, standard } from './common.js';

export interface GatewayInfo {
  network_id: string;
  enable_snat?: boolean;
  external_fixed_ips?: { subnet_id?: string; ip_address?: string }[];
}

const gatewayInfo = nullable(json<GatewayInfo>('external gateway info', (v) => {
  const g = v as Record<string, unknown> | null;
  if (g === null || typeof g !== 'object' || Array.isArray(g)) return `${JSON.stringify(v)} is not a dictionary`;
  if (!Object.keys(g).length) return undefined; // OpenStack: {} clears the gateway, as null does
  for (const k of Object.keys(g)) if (!['network_id', 'enable_snat', 'external_fixed_ips'].includes(k)) return `Unrecognized attribute(s) '${k}'`;
  if (typeof g.network_id !== 'string') return "Validation of dictionary's keys failed. Expected keys: {'network_id'}";
  if (g.enable_snat !== undefined && typeof g.enable_snat !== 'boolean') return `'${String(g.enable_snat)}' is not a valid boolean value`;
  if (g.external_fixed_ips !== undefined && !Array.isArray(g.external_fixed_ips)) return `${JSON.stringify(g.external_fixed_ips)} is not a list`;
  return undefined;
}));

export const router = defineResource({
  singular: 'router', plural: 'routers', table: 'routers',
  attributes: {
    ...owned, name, description, ...standard,
    admin_state_up: { type: bool, create: true, update: true, default: true, filter: true, sort: true },
    status: { type: str(), filter: true, sort: true },
    external_gateway_info: { type: gatewayInfo, create: true, update: true, default: null, stored: false, policy: true },
    routes: { type: noneAsEmpty(listOf(hostRoute)), update: true, default: [] },
    // dvr and l3-ha: admin-only flags. Pier's routers are one namespace on the host either way
    // (a single host routes the same distributed or not), so these are recorded, not acted on.
    distributed: { type: bool, create: true, update: true, default: false, policy: true },
    ha: { type: bool, create: true, update: true, default: false, policy: true },
  },
});
