// The linuxbridge driver runs the dataplane conformance suite.
import { runDataplaneSuite } from './dataplane.conformance.js';

runDataplaneSuite('linuxbridge');
