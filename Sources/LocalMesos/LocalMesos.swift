/// Embedded Mesos master and agents speaking the v1 HTTP APIs (built in the local Mesos issue).
///
/// This target holds nothing yet.
public enum LocalMesosModule {}
