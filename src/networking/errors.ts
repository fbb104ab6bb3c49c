// Neutron's errors, named as neutron-lib names them, and its body:
// {"NeutronError": {"type": "PortNotFound", "message": "Port x could not be found.", "detail": ""}}.
import { ApiError, BadRequest, Conflict, Forbidden, InvalidAttribute, MalformedBody, NotFound, PreconditionFailed } from '../core/errors.js';
import type { ErrorRenderer } from '../core/http/server.js';

/** `Invalid input for operation: <why>.` */
export class InvalidInput extends BadRequest {
  constructor(why: string) { super(`Invalid input for operation: ${why}.`); }
}

export class NeutronNotFound extends NotFound {
  /** `<Kind> <id> could not be found.` with type `<Kind>NotFound`. */
  constructor(kind: string, id: string, type = `${kind.replace(/\s(\w)/g, (_, c: string) => c.toUpperCase())}NotFound`) {
    super(`${kind} ${id} could not be found.`, type);
  }
}

export const notFound = {
  network: (id: string) => new NeutronNotFound('Network', id),
  subnet: (id: string) => new NeutronNotFound('Subnet', id),
  port: (id: string) => new NeutronNotFound('Port', id),
  router: (id: string) => new NeutronNotFound('Router', id),
  floatingip: (id: string) => new NeutronNotFound('Floating IP', id, 'FloatingIPNotFound'),
  security_group: (id: string) => new NeutronNotFound('Security group', id, 'SecurityGroupNotFound'),
  security_group_rule: (id: string) => new NeutronNotFound('Security group rule', id, 'SecurityGroupRuleNotFound'),
  subnetpool: (id: string) => new NeutronNotFound('Subnet pool', id, 'SubnetPoolNotFound'),
  address_scope: (id: string) => new NeutronNotFound('Address scope', id, 'AddressScopeNotFound'),
  rbac_policy: (id: string) => new NeutronNotFound('RBAC policy', id, 'RbacPolicyNotFound'),
} as const;

export class NetworkInUse extends Conflict {
  constructor(id: string, ports: string[]) {
    super(`Unable to complete operation on network ${id}. There are one or more ports still in use on the network, id for these ports is: ${ports.join(',')}.`);
  }
}
export class SubnetInUse extends Conflict {
  constructor(id: string, why = 'One or more ports have an IP allocation from this subnet.') {
    super(`Unable to complete operation on subnet ${id}: ${why}`);
  }
}
export class PortInUse extends Conflict {
  constructor(network: string, mac: string, device: string) {
    super(`Unable to complete operation on port ${mac} for network ${network}. Port already has an attached device ${device}.`);
  }
}
export class MacAddressInUse extends Conflict {
  constructor(network: string, mac: string) {
    super(`Unable to complete operation for network ${network}. The mac address ${mac} is in use.`);
  }
}
export class IpAddressGenerationFailure extends Conflict {
  constructor(network: string) { super(`No more IP addresses available on network ${network}.`); }
}
export class IpAddressAlreadyAllocated extends Conflict {
  constructor(ip: string, subnet: string) { super(`IP address ${ip} already allocated in subnet ${subnet}`); }
}
export class InvalidIpForSubnet extends BadRequest {
  constructor(ip: string) { super(`IP address ${ip} is not a valid IP for the specified subnet.`); }
}
export class OverQuota extends Conflict {
  constructor(resource: string) { super(`Quota exceeded for resources: ['${resource}'].`); }
}
export class SecurityGroupRuleExists extends Conflict {
  constructor(id: string) { super(`Security group rule already exists. Rule id is ${id}.`); }
}
export class SecurityGroupInUse extends Conflict {
  constructor(id: string) { super(`Security Group ${id} in use.`); }
}
export class SecurityGroupCannotRemoveDefault extends Conflict {
  constructor() { super('Insufficient rights for removing default security group.'); }
}
export class RouterInUse extends Conflict {
  constructor(id: string, ports: string[]) { super(`Router ${id} has ports still attached: ${ports.join(', ')}.`); }
}
export class RouterInterfaceNotFound extends NotFound {
  constructor(router: string, port: string) { super(`Router ${router} does not have an interface with id ${port}`); }
}
export class RouterInterfaceNotFoundForSubnet extends NotFound {
  constructor(router: string, subnet: string) { super(`Router ${router} has no interface on subnet ${subnet}`); }
}
export class ExternalGatewayForFloatingIPNotFound extends NotFound {
  constructor(subnet: string, port: string, network: string) {
    super(`External network ${network} is not reachable from subnet ${subnet}.  Therefore, cannot associate Port ${port} with a Floating IP.`);
  }
}
export class FloatingIPPortAlreadyAssociated extends Conflict {
  constructor(fip: { id: string; address: string }, port: string, ip: string, network: string) {
    super(`Cannot associate floating IP ${fip.address} (${fip.id}) with port ${port} using fixed IP ${ip}, as that fixed IP already has a floating IP on external network ${network}.`);
  }
}
export class RevisionNumberConstraintFailed extends PreconditionFailed {
  constructor(wanted: number, current: number) { super(`Constrained to ${wanted}, but current revision is ${current}`); }
}
export class PolicyNotAuthorized extends Forbidden {
  constructor(action: string) { super(`(rule:${action}) is disallowed by policy`); }
}
export class NetworkVlanRangeError extends BadRequest {}
export class NoNetworkAvailable extends Conflict {
  constructor() { super('Unable to create the network. No tenant network is available for allocation.'); }
}
export class SegmentationIdInUse extends Conflict {}
export class InUse extends Conflict {}

export const renderNeutronError: ErrorRenderer = (err: ApiError) => {
  let type = err.type;
  let message = err.message;
  if (err instanceof InvalidAttribute) {
    // OpenStack: a failed conversion is InvalidInput; a failed validation names the attribute.
    if (err.kind === 'convert') { type = 'InvalidInput'; message = `Invalid input for operation: ${err.reason}.`; }
    else if (err.kind === 'invalid') { type = 'HTTPBadRequest'; message = `Invalid input for ${err.attribute}. Reason: ${err.reason}.`; }
    else { type = 'HTTPBadRequest'; message = err.reason; }
  } else if (err instanceof MalformedBody) {
    type = 'HTTPBadRequest'; message = 'Body contains invalid data';
  } else if (err.type === 'ApiError' || ['NotFound', 'Unauthorized', 'Forbidden', 'Conflict', 'PayloadTooLarge', 'UnsupportedMediaType', 'InternalError', 'ServiceUnavailable', 'MethodNotAllowed', 'UriTooLong'].includes(err.type)) {
    type = `HTTP${({ 400: 'BadRequest', 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 405: 'MethodNotAllowed', 409: 'Conflict', 413: 'RequestEntityTooLarge', 414: 'RequestURITooLong', 415: 'UnsupportedMediaType', 500: 'InternalServerError', 503: 'ServiceUnavailable' } as Record<number, string>)[err.status] ?? 'Error'}`;
  }
  return { NeutronError: { type, message, detail: '' } };
};
