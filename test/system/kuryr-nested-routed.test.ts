// Kuryr's nested mode (pods inside a container-host server) on the routed dataplane.
import { runNestedSuite } from './kuryr-nested.conformance.js';

runNestedSuite('routed');
