/// Booleans as Go's `strconv.ParseBool` reads them, which the original's flags used.
public enum GoBool {
    /// 1, t, T, TRUE, true, True → true; 0, f, F, FALSE, false, False → false; anything else → nil.
    public static func parse(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "TRUE", "true", "True": true
        case "0", "f", "F", "FALSE", "false", "False": false
        default: nil
        }
    }
}
