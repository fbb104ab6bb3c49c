// The policies API (/v3/policies) and OAuth1 consumers (/v3/OS-OAUTH1/consumers): admin-managed
// records that Keystone stores for others. A consumer's secret is shown once, at creation.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { registerCrud } from './crud.js';
import { consumer } from './definitions/consumer.js';
import { policy } from './definitions/policy.js';
import { hashSecret } from './passwords.js';
import type { IdentityState } from './state.js';

export function policyRoutes(scope: FastifyInstance, state: IdentityState): void {
  registerCrud(scope, state, policy);
  registerCrud(scope, state, consumer, {
    reveal: ['secret'],
    async beforeCreate(_tx, values) {
      values.secret = randomBytes(24).toString('base64url');
      values.secret_hash = await hashSecret(String(values.secret));
    },
  }, 'OS-OAUTH1/consumers');
}
