// Docker on Pier networks over the linuxbridge dataplane.
import { runKuryrDockerSuite } from './kuryr-docker.conformance.js';

runKuryrDockerSuite('linuxbridge');
