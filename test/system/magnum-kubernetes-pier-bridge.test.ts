import { runMagnumKubernetesSuite } from './magnum-kubernetes.conformance.js';

runMagnumKubernetesSuite('pier-bridge');
