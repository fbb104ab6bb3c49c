// Every migration, in the order applied. Append only; never edit one that has shipped.
import type { Migration } from '../migrate.js';
import { m0001 } from './0001-store.js';
import { m0002 } from './0002-identity.js';
import { m0003 } from './0003-networking.js';
import { m0004 } from './0004-dataplane.js';
import { m0005 } from './0005-port-indexes.js';
import { m0006 } from './0006-quota-usages.js';
import { m0007 } from './0007-lean-events.js';
import { m0008 } from './0008-clustered-keys.js';
import { m0009 } from './0009-orchestration.js';
import { m0010 } from './0010-image.js';
import { m0011 } from './0011-compute.js';
import { m0012 } from './0012-partial-port-indexes.js';
import { m0013 } from './0013-list-indexes.js';
import { m0014 } from './0014-clusters.js';
import { m0016 } from './0016-nested-plugs.js';
import { m0020 } from './0020-identity-extras.js';
import { m0021 } from './0021-networking-extras.js';
import { m0040 } from './0040-compute-admin.js';
import { m0041 } from './0041-software-config.js';
import { m0030 } from './0030-volume.js';

// m0030 (volumes) came after 0040 and 0041 had shipped: appended, as every migration is.
export const migrations: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0006, m0007, m0008, m0009, m0010, m0011, m0012, m0013, m0014, m0016, m0020, m0021, m0040, m0041, m0030];
