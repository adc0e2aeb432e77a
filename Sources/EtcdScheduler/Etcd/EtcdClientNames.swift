import EtcdClient

// The EtcdClient module and the Reconciler both define `EtcdMember`, and the module's own `EtcdClient` class
// shadows the module name, so `EtcdClient.EtcdMember` does not qualify. This file sees only the client's.
typealias EtcdClientMember = EtcdMember
