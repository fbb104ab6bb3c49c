# Loaded by every Python process of the Tempest run (the runner puts this directory first on
# PYTHONPATH). Debian's Tempest carries add-delay-in-subnet-teardown.patch: a 10 s sleep before
# each subnet delete, for agents that tear ports down late. Upstream Tempest has no such sleep,
# and Pier removes ports in the request, so this restores upstream's delete_subnet; it changes no
# check. (It shadows Debian's own sitecustomize, which only installs apport's crash hook.)
import importlib.abc
import importlib.util
import sys

_MODULE = 'tempest.lib.services.network.subnets_client'


class _UpstreamDeleteSubnet(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != _MODULE:
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)

            def delete_subnet(self, subnet_id):
                return self.delete_resource('/subnets/%s' % subnet_id)
            module.SubnetsClient.delete_subnet = delete_subnet
        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _UpstreamDeleteSubnet())
