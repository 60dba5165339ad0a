import Foundation

extension Timestamp {
    /// Reads the system's wall clock in milliseconds.
    static func wallClockMilliseconds() -> Int64 {
        Int64((Date().timeIntervalSince1970 * 1000).rounded(.down))
    }
}
