// Every migration, in the order applied. Append only; never edit one that has shipped.
import type { Migration } from '../migrate.js';
import { m0001 } from './0001-store.js';
import { m0002 } from './0002-identity.js';
import { m0003 } from './0003-networking.js';
import { m0004 } from './0004-dataplane.js';
import { m0005 } from './0005-port-indexes.js';
import { m0007 } from './0007-image.js';
import { m0009 } from './0009-compute.js';

export const migrations: readonly Migration[] = [m0001, m0002, m0003, m0004, m0005, m0007, m0009];
