#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// SIGPIPE's default action kills the process without a word. A server whose peer hangs up mid-response (an
/// agent's fetcher, an executor downloading a backup) must see EPIPE instead; every binary calls this first.
public enum BrokenPipes {
    public static func ignore() {
        signal(SIGPIPE, SIG_IGN)
    }
}
