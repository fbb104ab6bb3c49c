// The routed (Calico-style) driver runs the dataplane conformance suite.
import { runDataplaneSuite } from './dataplane.conformance.js';

runDataplaneSuite('routed');
