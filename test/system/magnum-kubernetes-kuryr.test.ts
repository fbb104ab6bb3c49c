import { runMagnumKubernetesSuite } from './magnum-kubernetes.conformance.js';

runMagnumKubernetesSuite('kuryr');
