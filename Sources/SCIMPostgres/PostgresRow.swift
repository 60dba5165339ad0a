internal import CLibPQ
import SCIMCore

/// One row of a query result in text format; column numbers start at 0.
struct PostgresRow {
    let result: OpaquePointer
    let index: Int32

    func isNull(_ column: Int32) -> Bool {
        PQgetisnull(result, index, column) == 1
    }

    /// Returns the column as text; NULL reads as the empty string.
    func text(_ column: Int32) -> String {
        guard let pointer = PQgetvalue(result, index, column) else { return "" }
        let count = Int(PQgetlength(result, index, column))
        return pointer.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
            String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
        }
    }

    func nullableText(_ column: Int32) -> String? {
        isNull(column) ? nil : text(column)
    }

    /// Returns the column as an integer; NULL and text that is not an integer read as 0.
    func integer(_ column: Int32) -> Int64 {
        Int64(text(column)) ?? 0
    }

    func nullableInteger(_ column: Int32) -> Int64? {
        isNull(column) ? nil : integer(column)
    }

    /// Returns a `boolean` column, or nil for NULL.
    func nullableBoolean(_ column: Int32) -> Bool? {
        isNull(column) ? nil : boolean(column)
    }

    /// Returns a `boolean` column, which PostgreSQL's text format writes as `t` or `f`.
    func boolean(_ column: Int32) -> Bool {
        text(column) == "t"
    }

    /// Returns a `bytea` column from its hex text form `\x0a1b...`; NULL reads as an empty array.
    func bytes(_ column: Int32) throws(SCIMError) -> [UInt8] {
        let digits = Array(text(column).utf8.dropFirst(2))
        guard digits.count.isMultiple(of: 2) else {
            throw .internalFailure("A bytea value has an odd number of hex digits.")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        for position in stride(from: 0, to: digits.count, by: 2) {
            guard let high = Self.hexValue(digits[position]), let low = Self.hexValue(digits[position + 1]) else {
                throw .internalFailure("A bytea value is not in hex format; bytea_output must be hex.")
            }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
