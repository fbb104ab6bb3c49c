// Docker on Pier networks over the routed dataplane.
import { runKuryrDockerSuite } from './kuryr-docker.conformance.js';

runKuryrDockerSuite('routed');
