"""openstacksdk (Debian python3-openstacksdk) end to end against Pier's Networking API.

Run with OS_CLIENT_CONFIG_FILE pointing at Pier's clouds.yaml; exits non-zero on the first
failed expectation, printing what it saw.
"""
import sys

import openstack


def expect(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


conn = openstack.connect(cloud="pier")

net = conn.network.create_network(name="sdk-net")
expect(net.status == "ACTIVE", f"network status {net.status}")
sub = conn.network.create_subnet(network_id=net.id, name="sdk-sub", ip_version=4, cidr="192.168.50.0/24")
expect(sub.gateway_ip == "192.168.50.1", f"gateway {sub.gateway_ip}")
expect(sub.allocation_pools == [{"start": "192.168.50.2", "end": "192.168.50.254"}], f"pools {sub.allocation_pools}")

port = conn.network.create_port(network_id=net.id, name="sdk-port")
expect(len(port.fixed_ips) == 1 and port.fixed_ips[0]["subnet_id"] == sub.id, f"fixed_ips {port.fixed_ips}")
expect(port.status == "DOWN", f"port status {port.status}")
expect(len(port.security_group_ids) == 1, f"security groups {port.security_group_ids}")

sg = conn.network.create_security_group(name="sdk-sg")
rule = conn.network.create_security_group_rule(
    security_group_id=sg.id, direction="ingress", protocol="tcp", port_range_min=22, port_range_max=22,
    remote_ip_prefix="0.0.0.0/0")
expect(rule.port_range_min == 22, f"rule {rule}")
conn.network.update_port(port, security_group_ids=[sg.id])
expect(conn.network.get_port(port.id).security_group_ids == [sg.id], "port security groups updated")

ext = conn.network.create_network(name="sdk-ext", is_router_external=True)
ext_sub = conn.network.create_subnet(network_id=ext.id, ip_version=4, cidr="198.51.100.0/24", enable_dhcp=False)
router = conn.network.create_router(name="sdk-router", external_gateway_info={"network_id": ext.id})
expect(router.external_gateway_info["network_id"] == ext.id, f"gateway {router.external_gateway_info}")
conn.network.add_interface_to_router(router, subnet_id=sub.id)
fip = conn.network.create_ip(floating_network_id=ext.id)
conn.network.update_ip(fip, port_id=port.id)
fip = conn.network.get_ip(fip.id)
expect(fip.port_id == port.id and fip.fixed_ip_address == port.fixed_ips[0]["ip_address"], f"floating ip {fip}")
expect(fip.router_id == router.id, f"floating ip router {fip.router_id}")

names = [n.name for n in conn.network.networks()]
expect("sdk-net" in names and "sdk-ext" in names, f"networks {names}")
paged = list(conn.network.ports(network_id=net.id, limit=1))
expect(len(paged) == 2, f"paged ports {[p.id for p in paged]}")  # the port and the router interface

conn.network.delete_ip(fip)
conn.network.remove_interface_from_router(router, subnet_id=sub.id)
conn.network.delete_router(router)
conn.network.delete_port(port)
conn.network.delete_security_group(sg)
conn.network.delete_subnet(sub)
conn.network.delete_network(net)
conn.network.delete_subnet(ext_sub)
conn.network.delete_network(ext)
expect(conn.network.find_network("sdk-net") is None, "network deleted")
print("ok")
