// Every resource type Pier implements, by HOT type name, and how a template's type (after the
// environment's resource_registry) becomes a plugin — a built-in one or a template resource.
import { HeatError, type ResourceRegistry } from '../template/index.js';
import type { ResourcePlugin } from './types.js';
import { osHeatAutoScalingGroup } from './os-heat-autoscaling-group.js';
import { osHeatNone } from './os-heat-none.js';
import { osHeatRandomString } from './os-heat-random-string.js';
import { osHeatResourceGroup } from './os-heat-resource-group.js';
import { osHeatScalingPolicy } from './os-heat-scaling-policy.js';
import { osHeatStack } from './os-heat-stack.js';
import { osHeatTestResource } from './os-heat-test-resource.js';
import { osHeatValue } from './os-heat-value.js';
import { osHeatWaitCondition } from './os-heat-wait-condition.js';
import { osHeatWaitConditionHandle } from './os-heat-wait-condition-handle.js';
import { osNeutronFloatingIp } from './os-neutron-floating-ip.js';
import { osNeutronFloatingIpAssociation } from './os-neutron-floating-ip-association.js';
import { osNeutronExtraRoute } from './os-neutron-extra-route.js';
import { osNeutronNet } from './os-neutron-net.js';
import { osNeutronPort } from './os-neutron-port.js';
import { osNeutronProviderNet } from './os-neutron-provider-net.js';
import { osNeutronRouter } from './os-neutron-router.js';
import { osNeutronRouterInterface } from './os-neutron-router-interface.js';
import { osNeutronSecurityGroup } from './os-neutron-security-group.js';
import { osNeutronSecurityGroupRule } from './os-neutron-security-group-rule.js';
import { osNeutronSubnet } from './os-neutron-subnet.js';
import { osCinderVolume } from './os-cinder-volume.js';
import { osCinderVolumeAttachment } from './os-cinder-volume-attachment.js';
import { osCinderVolumeType } from './os-cinder-volume-type.js';
import { osNovaFlavor } from './os-nova-flavor.js';
import { osNovaKeyPair } from './os-nova-key-pair.js';
import { osNovaServer } from './os-nova-server.js';
import { templateResource } from './template-resource.js';

export const PLUGINS: ReadonlyMap<string, ResourcePlugin> = new Map([
  osNeutronNet, osNeutronSubnet, osNeutronPort, osNeutronRouter, osNeutronRouterInterface, osNeutronSecurityGroup,
  osNeutronSecurityGroupRule, osNeutronFloatingIp, osNeutronFloatingIpAssociation, osNeutronProviderNet, osNeutronExtraRoute,
  osNovaServer, osNovaKeyPair, osNovaFlavor,
  osCinderVolume, osCinderVolumeAttachment, osCinderVolumeType,
  osHeatRandomString, osHeatValue, osHeatNone, osHeatTestResource, osHeatResourceGroup, osHeatStack,
  osHeatWaitConditionHandle, osHeatWaitCondition, osHeatAutoScalingGroup, osHeatScalingPolicy,
].map((p) => [p.type, p]));

/**
 * The plugin for a resource's type. `files` holds provider templates (a type that is a file
 * name); an unknown type throws Heat's StackValidationFailed naming the resource.
 */
export function pluginFor(
  type: string, registry: ResourceRegistry, resourceName: string, files: Readonly<Record<string, string>>,
): ResourcePlugin {
  const match = registry.resolve(type, resourceName);
  if (match.kind === 'template') {
    const text = files[match.template];
    if (text === undefined) {
      throw new HeatError('StackValidationFailed', `Could not fetch remote template "${match.template}": Invalid URL scheme`, [`resources.${resourceName}`], 'Failed to validate');
    }
    return templateResource(type, match.template, text);
  }
  const plugin = PLUGINS.get(match.type);
  if (!plugin) {
    throw new HeatError('StackValidationFailed', `The Resource Type (${match.type}) could not be found.`, [`resources.${resourceName}`], 'Failed to validate');
  }
  return plugin;
}
