// The CNI plugin's conformance suite on the linuxbridge dataplane.
import { runCniSuite } from './kuryr-cni.conformance.js';

runCniSuite('linuxbridge');
