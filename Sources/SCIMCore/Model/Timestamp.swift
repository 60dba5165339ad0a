/// Formats and reads the timestamps of `meta`, `2021-02-22T04:24:13.000Z` (UTC, milliseconds).
package enum Timestamp {
    /// Returns the current time in milliseconds since 1970-01-01T00:00:00Z.
    package static func nowMilliseconds() -> Int64 {
        wallClockMilliseconds()
    }

    /// Formats milliseconds since the epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
    package static func format(milliseconds: Int64) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        append(milliseconds: milliseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Formats any Int64, including years outside 0...9999, which get more digits or a sign.
    private static func formatOutsideFourDigitYears(milliseconds: Int64) -> String {
        // Remainders are taken before any multiplication, so every Int64 formats without overflow.
        let seconds = milliseconds.floorDivided(by: 1000)
        let millis = Int((milliseconds % 1000 + 1000) % 1000)
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = Int((seconds % 86_400 + 86_400) % 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        var text = pad(Int(year), 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        text += "T" + pad(secondOfDay / 3600, 2) + ":" + pad(secondOfDay / 60 % 60, 2) + ":" + pad(secondOfDay % 60, 2)
        return text + "." + pad(millis, 3) + "Z"
    }

    /// Appends the formatted timestamp to `bytes` without building intermediate strings.
    package static func append(milliseconds: Int64, to bytes: inout [UInt8]) {
        let seconds = milliseconds.floorDivided(by: 1000)
        let millis = Int((milliseconds % 1000 + 1000) % 1000)
        let days = seconds.floorDivided(by: 86_400)
        let secondOfDay = Int((seconds % 86_400 + 86_400) % 86_400)
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        guard (0...9999).contains(year) else {
            bytes.append(contentsOf: formatOutsideFourDigitYears(milliseconds: milliseconds).utf8)
            return
        }
        appendDigits(Int(year), 4, &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(month, 2, &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(day, 2, &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(secondOfDay / 3600, 2, &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay / 60 % 60, 2, &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(secondOfDay % 60, 2, &bytes)
        bytes.append(UInt8(ascii: "."))
        appendDigits(millis, 3, &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    private static func appendDigits(_ value: Int, _ width: Int, _ bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Converts a day count since 1970-01-01 to a proleptic Gregorian date, using the 400-year era
    /// decomposition of the calendar.
    private static func civilDate(daysSinceEpoch: Int64) -> (year: Int64, month: Int, day: Int) {
        let shifted = daysSinceEpoch + 719_468
        let era = shifted.floorDivided(by: 146_097)
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        guard value >= 0 else { return "-" + pad(-value, width) }
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Int64 {
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
