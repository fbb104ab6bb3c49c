# openstacksdk's block_storage proxy against Pier (the demo member): a volume created, listed,
# extended and snapshotted to available, a type seen, limits counted, all deleted. Prints "ok".
import openstack

c = openstack.connect(cloud='pier-demo')
v = c.block_storage.create_volume(size=1, name='sdk-vol', metadata={'k': 'v'})
v = c.block_storage.wait_for_status(v, 'available', wait=60)
assert v.size == 1 and v.name == 'sdk-vol' and v.metadata == {'k': 'v'}, v
assert [x.name for x in c.block_storage.volumes()] == ['sdk-vol']
c.block_storage.extend_volume(v, 2)
# wait_for_status returns at once for an object that already says 'available': wait on a fresh read
# (it says 'extending' until the driver has grown the file).
v = c.block_storage.wait_for_status(c.block_storage.get_volume(v), 'available', wait=60)
assert c.block_storage.get_volume(v).size == 2
s = c.block_storage.create_snapshot(volume_id=v.id, name='sdk-snap')
s = c.block_storage.wait_for_status(s, 'available', wait=60)
assert s.size == 2, s
clone = c.block_storage.create_volume(snapshot_id=s.id, name='sdk-clone')
clone = c.block_storage.wait_for_status(clone, 'available', wait=60)
assert clone.size == 2
assert '__DEFAULT__' in [t.name for t in c.block_storage.types()]
assert c.block_storage.get_limits().absolute.total_volumes_used == 2
for x in (clone, s, v):
    (c.block_storage.delete_snapshot if x is s else c.block_storage.delete_volume)(x)
    c.block_storage.wait_for_delete(x, wait=60)
assert list(c.block_storage.volumes()) == []
print('ok')
