# Loaded by every Python process of the Tempest run (the runner puts this directory first on
# PYTHONPATH). It patches two things, each changing no check, when their modules load:
#
# - Debian's Tempest carries add-delay-in-subnet-teardown.patch: a 10 s sleep before each subnet
#   delete, for agents that tear ports down late. Upstream Tempest has no such sleep, and Pier
#   removes ports in the request, so this restores upstream's delete_subnet.
# - magnum-tempest-plugin's ClusterTest makes its credentials in setUpClass as method-scoped, so
#   they are deleted after its first test and the rest run on a deleted user's token — which
#   passes against real Magnum only while keystonemiddleware's token cache (5 min) still holds
#   it. Pier checks every token, so the class's credentials are made class-scoped.
#
# (It shadows Debian's own sitecustomize, which only installs apport's crash hook.)
import importlib.abc
import importlib.util
import sys


def _upstream_delete_subnet(module):
    def delete_subnet(self, subnet_id):
        return self.delete_resource('/subnets/%s' % subnet_id)
    module.SubnetsClient.delete_subnet = delete_subnet


def _class_scoped_cluster_creds(module):
    cls = module.ClusterTest
    made = cls.get_credentials_with_keypair.__func__

    def get_credentials_with_keypair(klass, name=None, type_of_creds='default', class_cleanup=True):
        return made(klass, name or 'ClusterTest', type_of_creds, class_cleanup)
    cls.get_credentials_with_keypair = classmethod(get_credentials_with_keypair)


_PATCHES = {
    'tempest.lib.services.network.subnets_client': _upstream_delete_subnet,
    'magnum_tempest_plugin.tests.api.v1.test_cluster': _class_scoped_cluster_creds,
}


class _Patcher(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        patch = _PATCHES.get(name)
        if patch is None:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            patch(module)
        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _Patcher())
