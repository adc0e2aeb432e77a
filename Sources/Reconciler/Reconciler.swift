/// The cluster brain: events in, actions out, no I/O (see `shared/design.md`).
///
/// Built in the scheduler issue; this target holds nothing yet.
public enum ReconcilerModule {}
