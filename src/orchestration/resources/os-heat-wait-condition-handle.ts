// OS::Heat::WaitConditionHandle — a URL and token a server curls to signal its wait condition
// (Heat's token-based handle, wait_condition_handle.py): signals kept by id, each SUCCESS or FAILURE.
import type { Json, JsonMap } from '../template/index.js';
import type { ResourcePlugin } from './types.js';

const STATUSES = ['SUCCESS', 'FAILURE'];
const KEYS = ['data', 'reason', 'status', 'id'];

class MetadataInvalid extends Error {
  constructor() { super('Metadata format invalid'); this.name = 'ValueError'; }
}

/** One signal as Heat keeps it, with its defaults: status SUCCESS, reason "Signal N received", id N. */
export interface WaitSignal { readonly status: string; readonly reason: string; readonly data: Json }

export const signalsOf = (data: JsonMap): Record<string, WaitSignal> => (data['signals'] ?? {}) as unknown as Record<string, WaitSignal>;

export const osHeatWaitConditionHandle: ResourcePlugin = {
  type: 'OS::Heat::WaitConditionHandle',
  description: 'Resource for managing instance signals.',
  properties: {
    signal_transport: { type: 'string', description: 'How the client will signal the wait condition.', default: 'TOKEN_SIGNAL', constraints: [{ allowed_values: ['TOKEN_SIGNAL', 'HEAT_SIGNAL', 'NO_SIGNAL'] }] },
  },
  attributes: {
    token: { description: 'Token for stack-user which can be used for signalling handle.', type: 'string' },
    endpoint: { description: 'Endpoint/url which can be used for signalling handle.', type: 'string' },
    curl_cli: { description: 'Convenience attribute, provides curl CLI command prefix, which can be used for signalling handle completion or failure.', type: 'string' },
    signal: { description: 'JSON serialized map that includes the endpoint, token and/or other attributes the client must use for signalling this handle.', type: 'string' },
  },
  async create(ctx, props) {
    if (props['signal_transport'] !== 'NO_SIGNAL') ctx.data['token'] = await ctx.heat.issueToken();
    ctx.data['signals'] = {};
    return ctx.plannedId;
  },
  async signal(ctx, _id, details) {
    const given = details === null ? {} : details;
    if (typeof given !== 'object' || Array.isArray(given) || Object.keys(given).some((k) => !KEYS.includes(k))) throw new MetadataInvalid();
    const signals = { ...signalsOf(ctx.data) };
    const n = Object.keys(signals).length + 1;
    const status = given['status'] ?? 'SUCCESS';
    if (typeof status !== 'string' || !STATUSES.includes(status)) throw new MetadataInvalid();
    const reason = given['reason'] === undefined ? `Signal ${n} received` : String(given['reason']);
    signals[String(given['id'] ?? n)] = { status, reason, data: given['data'] ?? null };
    ctx.data['signals'] = signals as unknown as JsonMap;
    return `status:${status} reason:${reason}`;
  },
  signalMetadata: (ctx) => (ctx.data['signals'] ?? {}) as Json,
  async delete() {},
  async resolve(ctx, _id, attr) {
    const token = (ctx.data['token'] ?? null) as string | null;
    const endpoint = `${ctx.heat.url()}/signal`;
    if (attr === 'token') return token;
    if (attr === 'endpoint') return endpoint;
    if (attr === 'curl_cli') return `curl -i -X POST -H 'X-Auth-Token: ${token ?? ''}' -H 'Content-Type: application/json' -H 'Accept: application/json' ${endpoint}`;
    if (attr === 'signal') return JSON.stringify({ url: endpoint, token });
    return null;
  },
};
