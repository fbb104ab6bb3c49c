// The CNI plugin's conformance suite on the routed (Calico-style) dataplane.
import { runCniSuite } from './kuryr-cni.conformance.js';

runCniSuite('routed');
